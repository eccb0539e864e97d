"""The command line: exact output and exit status, every user error as one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from narrator.cli import main

from .conftest import requires_tool


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_script_json_has_the_design_md_shape(project: Path) -> None:
    result = run("script", "chapters/chapter-01.txt", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["chapter"] == "chapters/chapter-01.txt"
    text = (project / "chapters" / "chapter-01.txt").read_text(encoding="utf-8")
    first, second = document["segments"][0], document["segments"][8]
    start = text.index("Izzie pours")
    assert first == {
        "index": 0, "kind": "narration", "speaker": "narrator",
        "text": "Izzie pours two mugs of coffee.", "start": start, "end": start + 31,
        "rule": None, "confidence": None, "doubtful": None, "paragraph": 0, "scene": 0,
        "continues": False,
    }  # fmt: skip
    # gold.json has this quote at 894-923, marks included.
    assert (second["start"], second["end"]) == (895, 922)
    assert second["kind"] == "dialogue"
    assert second["speaker"] == "Izzie"
    assert second["text"] == "You should drink something,"
    assert second["rule"] == "pronoun-tag"
    assert isinstance(second["confidence"], float)
    assert second["doubtful"] is (second["confidence"] < 0.71)
    for seg in document["segments"]:
        assert text[seg["start"] : seg["end"]] == seg["text"]


def test_script_listing_shows_speaker_confidence_and_rule(project: Path) -> None:
    result = run("script", "chapters/chapter-01.txt")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert re.fullmatch(
        r"    8  Izzie          0\.\d\d   \u201cYou should drink something,\u201d  \[pronoun-tag\]",
        lines[8],
    ), lines[8]
    assert lines[9] == "    9                        she tells him."


@pytest.mark.slow
@requires_tool("ffmpeg")
def test_build_then_nothing_to_do(project: Path) -> None:
    first = run("build", "--jobs", "1")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("output/chapter-01.mp3: Chapter 1, ")
    assert "synthesised, 0 from cache" not in first.output
    second = run("build")
    assert second.output == "output/chapter-01.mp3: up to date, nothing to do\n"
    assert run("build", "--quiet", "--force").output == ""


def test_cast_lists_speakers_and_unlisted_names(project: Path) -> None:
    result = run("cast")
    assert result.exit_code == 0
    assert result.output.splitlines()[:4] == [
        "Speakers (quotes):",
        "  Izzie                       21",
        "  Alex                        10",
        "  Meredith                    15",
    ]
    assert "  Anderson                     3" in result.output


@requires_tool("espeak-ng")
def test_voices_lists_espeak_voices_and_variants() -> None:
    result = run("voices", "--engine", "espeak")
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.output.splitlines()[1:]]
    assert "gmw/en-US" in ids
    assert "+f3" in ids


def _error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_missing_chapter(project: Path) -> None:
    assert _error(run("build", "chapters/nope.txt")) == (
        "Error: chapters/nope.txt: no such file (check the path, or list chapters/)"
    )


def test_chapter_that_is_a_folder(project: Path) -> None:
    assert _error(run("script", "chapters")) == (
        "Error: chapters: is a folder, not a chapter file (give a .txt, .md, .html or .epub file)"
    )


def test_bad_yaml_names_its_line(project: Path) -> None:
    (project / "voices.yaml").write_text(
        "characters:\n  Izzie:\n    rate: fast\n", encoding="utf-8"
    )
    assert _error(run("build")) == (
        "Error: voices.yaml:3: characters.Izzie.rate: expected a number, got 'fast' "
        "(give words per minute, e.g. 175)"
    )


def test_missing_config(project: Path) -> None:
    assert _error(run("script", "chapters/chapter-01.txt", "--config", "nope.yaml")) == (
        "Error: nope.yaml: file not found (pass --config PATH, or write one: "
        "see 'Changing a voice' in the README)"
    )


@requires_tool("espeak-ng")
def test_unknown_voice_names_the_key_and_line(project: Path) -> None:
    (project / "voices.yaml").write_text(
        "characters:\n  Izzie:\n    gender: female\n    voice: en-gb+f3\n", encoding="utf-8"
    )
    line = _error(run("build"))
    assert line.startswith(
        "Error: voices.yaml:4: characters.Izzie.voice: unknown voice 'en-gb'; did you mean"
    )
    assert line.endswith("? (run 'narrator voices --engine pyttsx3' for the names you can use)")


def test_missing_espeak_library_says_how_to_install(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctypes.util

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    (project / "voices.yaml").write_text("engine: pyttsx3\ncharacters: {}\n", encoding="utf-8")
    assert _error(run("build")) == (
        "Error: the espeak-ng library (libespeak-ng) was not found "
        "(install it: sudo apt-get install espeak-ng)"
    )


def test_missing_espeak_ng_binary(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(project))
    assert _error(run("build", "--engine", "espeak")) == (
        "Error: espeak-ng not found on PATH (install it: sudo apt-get install espeak-ng)"
    )


def test_missing_ffmpeg(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(project))
    assert _error(run("build")) == (
        "Error: ffmpeg not found on PATH (install it: sudo apt-get install ffmpeg)"
    )
    assert not (project / "output" / "chapter-01.mp3").exists()


def test_traceback_flag_shows_the_exception(project: Path) -> None:
    result = run("--traceback", "build", "chapters/nope.txt")
    assert result.exit_code == 1
    assert result.exception is not None


@requires_tool("espeak-ng", "ffmpeg")
def test_debug_output_is_narrators_own(project: Path) -> None:
    # pyttsx3 logs every voice change on the root logger; -vv shows narrator's lines only.
    result = run("-vv", "preview", "Izzie", "Hello there.", "--engine", "pyttsx3", "--no-play")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(line.startswith("narrator: running ['") for line in lines), lines
    assert all(line.startswith("narrator: ") for line in lines), lines
    assert "Attempting to set voice" not in result.stderr
