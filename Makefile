# Shortcuts for development; the README's two commands do not need make.
PY := .venv/bin/python

.PHONY: check test lint fmt bench
check: test lint

test:
	$(PY) -m pytest

lint:
	$(PY) -m ruff check narrator tests tools bench
	$(PY) -m ruff format --check narrator tests tools bench
	$(PY) -m mypy

fmt:
	$(PY) -m ruff format narrator tests tools bench
	$(PY) -m ruff check --fix narrator tests tools bench

bench:
	for f in bench/*.py; do $(PY) $$f || exit 1; done
