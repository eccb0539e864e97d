"""The README is the contract for users: its commands are the ones CI runs and the CLI has."""

from __future__ import annotations

import re

from narrator.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_code_block() -> list[str]:
    match = re.search(r"```sh\n(.*?)```", README, re.S)
    assert match is not None
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands() -> None:
    assert _first_code_block() == ["./setup.sh", ".venv/bin/python -m pytest"]
    before = README[: README.index("```sh")]
    assert "```" not in before


def test_ci_runs_the_readme_commands() -> None:
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    install, test = _first_code_block()
    assert ci[-2:] == [install, test]


def test_every_command_has_help_and_is_in_the_readme() -> None:
    for name, command in main.commands.items():
        assert command.help, f"narrator {name} has no help"
        assert f"`narrator {name}" in README, f"narrator {name} is not in the README"


def test_the_repository_stands_on_its_own() -> None:
    """Every relative link in the documents points at a file in the repository, and no
    tracked file refers to a folder beside it."""
    import subprocess

    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for document in documents:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", document.read_text("utf-8")):
            assert (document.parent / target).exists(), (document.name, target)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    outside = "../" + "shared"
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".toml", ".sh", ".yaml", ".txt"} and path.is_file():
            assert outside not in path.read_text("utf-8", errors="replace"), name
