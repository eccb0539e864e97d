"""Shared fixtures: the seed chapter, the eval data, tool markers, tone projects."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "chapters" / "chapter-01.txt"
EVAL = ROOT / "bench" / "eval"
"""The attribution eval data (PDNC dev novels, the seed's gold) and its scorer, in the repository."""
ARTIFACTS = ROOT / "tests" / "artifacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


class Marks(list[pytest.MarkDecorator]):
    """Marks usable as a decorator, as a module's `pytestmark` and in `pytest.param`."""

    def __call__(self, test: T) -> T:
        for mark in self:
            test = mark(test)
        return test


def requires_tool(*names: str) -> Marks:
    """Mark a test `integration` and skip it when a binary it needs is missing (for running
    a subset on a machine without it). setup.sh installs all of them: in CI none is skipped."""
    missing = [name for name in names if shutil.which(name) is None]
    skip = pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")
    return Marks([pytest.mark.integration, skip])


def skip_without(*names: str) -> None:
    """In a fixture: skip the tests that use it when a binary is missing."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


TONE_CAST = textwrap.dedent(
    """\
    book: {title: Test Book, author: Test Author}
    engine: tone
    characters:
      Izzie: {aliases: [Iz], gender: female}
      Alex: {aliases: [Karev], gender: male}
      Meredith: {aliases: [Mer], gender: female}
    """
)


def _write_project(root: Path) -> None:
    (root / "chapters").mkdir()
    shutil.copy(SEED, root / "chapters" / "chapter-01.txt")
    (root / "voices.yaml").write_text(TONE_CAST, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (chapters/, voices.yaml on the tone engine) as the working directory."""
    _write_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NARRATOR_CACHE", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def seed_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed chapter built with the natural voices of voices.yaml, once per test run
    (publishing and verification both read it): its MP3, sidecars beside it, in `out/`
    beside the clip cache."""
    from narrator.build import build
    from narrator.config import load_config
    from narrator.model import BuildOptions
    from narrator.script import chapters_to_build

    skip_without("espeak-ng", "ffmpeg")
    folder = tmp_path_factory.mktemp("seed")
    options = BuildOptions(out_dir=folder / "out", jobs=2, cache_dir=folder / "cache")
    [result] = build(chapters_to_build([SEED]), load_config(ROOT / "voices.yaml"), options)
    return result.output


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tone project with its seed chapter built, once per test run."""
    from click.testing import CliRunner

    from narrator.cli import main

    skip_without("ffmpeg")
    root = tmp_path_factory.mktemp("built") / "project"
    root.mkdir()
    _write_project(root)
    cache = root.parent / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(main, ["build", "--jobs", "2", "--cache", str(cache)])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def built_project(built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built tone project (times kept, so it is up to date) as the working
    directory."""
    copy = tmp_path / "project"
    shutil.copytree(built_once, copy)
    monkeypatch.chdir(copy)
    monkeypatch.delenv("NARRATOR_CACHE", raising=False)
    return copy


SHARED_BUILDS = ("seed_mp3", "long_book_built")
"""Fixtures that build for half a minute or more, for several tests."""


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on a built chapter needs ffmpeg: it is an integration test too. The tests
    that read one of `SHARED_BUILDS` run in the same pytest-xdist worker (the suite runs
    `-n auto --dist loadgroup`), so that it is built once, not once per worker."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "built_once" in names:
            item.add_marker(pytest.mark.integration)
        for shared in SHARED_BUILDS:
            if shared in names:
                item.add_marker(pytest.mark.xdist_group(shared))
