"""The bad-input corpus: every case in tests/bad_inputs/ through the CLI, `script` and `build`.

Each folder holds a chapter file (or the lack of one), a voices.yaml and `expect.yaml`:
what the case is, and for each command either the dialogue speakers / `ok` it must give,
or the one error line (after "Error: ") it must print with exit status 2. Whatever the
outcome, no traceback, and nothing already in output/ is damaged.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import feedparser
import pytest
import yaml
from click.testing import CliRunner, Result

from narrator.cli import main
from narrator.text.ingest import ingest

from .conftest import requires_tool

CASES = Path(__file__).parent / "bad_inputs"
PREVIOUS = b"ID3 the previous build's bytes, which a failed build must leave alone"


SLOW: Final = frozenset({"wall-of-text", "one-huge-word"})
"""Cases whose build takes seconds (500 kB of speech, a 20,000-letter word)."""


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "expect.yaml").is_file())


def _params() -> list[Any]:
    return [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in _cases()]


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clip cache for every case: clips and voice loudness are content-addressed, so
    sharing them changes no outcome and measures each voice once."""
    return tmp_path_factory.mktemp("cache")


def test_the_corpus_covers_what_the_issue_names() -> None:
    names = set(_cases())
    assert len(names) >= 25
    for needed in (
        "empty-file", "whitespace-only", "binary-data", "nul-bytes", "utf-16-bom",
        "windows-1252", "crlf", "mixed-quote-styles", "unbalanced-quotes", "wall-of-text",
        "all-dialogue", "no-dialogue", "quote-to-the-end", "names-not-in-cast",
        "unknown-voice-id", "yaml-unclosed-bracket", "yaml-wrong-shape", "yaml-wrong-type",
        "missing-cover", "unwritable-output", "chapter-is-a-folder", "chapter-missing",
        "empty-cast",
    ):  # fmt: skip
        assert needed in names


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """Make `folder` unwritable even for root: immutable, a read-only bind mount, or
    (for an ordinary user) no write permission."""
    if shutil.which("chattr") and _quiet(["chattr", "+i", str(folder)]):
        try:
            yield
        finally:
            _quiet(["chattr", "-i", str(folder)])
    elif os.geteuid() == 0 and _quiet(["mount", "--bind", "-o", "ro", str(folder), str(folder)]):
        try:
            yield
        finally:
            _quiet(["umount", str(folder)])
    elif os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
    else:
        pytest.fail("cannot make a folder read-only here (no chattr, no bind mount)")


def _quiet(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["-v", *args])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.fixture(params=_params())
def case(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shared_cache: Path,
) -> dict:
    name: str = request.param
    project = tmp_path / name
    shutil.copytree(CASES / name, project, ignore=shutil.ignore_patterns("expect.yaml", ".keep"))
    expect = yaml.safe_load((CASES / name / "expect.yaml").read_text(encoding="utf-8"))
    if name == "wall-of-text":
        # 500 kB, one paragraph: generated rather than kept in the repository.
        (project / expect["chapter"]).write_text("She walked on and on. " * 23_000 + "\n")
    output = project / "output"
    output.mkdir()
    (output / (Path(expect["chapter"]).stem + ".mp3")).write_bytes(PREVIOUS)
    (output / "notes.txt").write_bytes(PREVIOUS)
    monkeypatch.chdir(project)
    monkeypatch.setenv("NARRATOR_CACHE", str(shared_cache))
    return {"name": name, "project": project, **expect}


def _assert_one_error_line(result: Result, expected: str, project: Path) -> None:
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    line = errors[0].removeprefix("Error: ")
    before, _, after = (
        expected.replace("{project}", str(project)).replace("{reason}", "\0").partition("\0")
    )
    assert line.startswith(before), line
    assert line.endswith(after), line
    assert result.stdout == ""


def test_script(case: dict) -> None:
    chapter = case["chapter"]
    result = _run("script", chapter, "--json")
    expected = case["script"]
    if "error" in expected:
        _assert_one_error_line(result, expected["error"], case["project"])
        return
    assert result.exit_code == 0, result.output
    for note in case.get("says", []):
        assert f"narrator: {note}" in result.stderr.splitlines()
    document = json.loads(result.stdout)
    assert document["chapter"] == chapter
    text = ingest(Path(chapter)).text
    end = 0
    for index, seg in enumerate(document["segments"]):
        assert seg["index"] == index
        assert end <= seg["start"] < seg["end"] <= len(text)  # in order, no overlap
        assert text[seg["start"] : seg["end"]] == seg["text"]
        end = seg["end"]
    speakers = [s["speaker"] for s in document["segments"] if s["kind"] == "dialogue"]
    assert speakers == expected["speakers"]


@requires_tool("ffmpeg", "ffprobe")
def test_build(case: dict) -> None:
    output: Path = case["project"] / "output"
    before = _snapshot(output)
    expected = case["build"]
    with _read_only(output) if case["name"] == "unwritable-output" else contextlib.nullcontext():
        result = _run("build", case["chapter"], "--out", "output", "--jobs", "2")
    if expected != "ok":
        _assert_one_error_line(result, expected["error"], case["project"])
        assert _snapshot(output) == before
        assert sorted(p.name for p in output.iterdir() if not p.name.startswith(".")) == sorted(
            before
        )
        return
    assert result.exit_code == 0, result.output
    mp3 = output / (Path(case["chapter"]).stem + ".mp3")
    assert mp3.read_bytes() != PREVIOUS
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", mp3],
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(probe.stdout) > 0.5
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", mp3, "-f", "null", "-"], capture_output=True, text=True
    )
    assert decoded.returncode == 0, decoded.stderr
    assert decoded.stderr == ""
    assert (output / "notes.txt").read_bytes() == PREVIOUS
    feed = feedparser.parse((output / "feed.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == 1
    assert not list(output.glob(".*.tmp"))
