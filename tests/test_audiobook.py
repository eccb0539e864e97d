"""`narrator book`: the whole book as one M4B, read back by ffprobe and mutagen."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.mp4 import MP4

from narrator import audio
from narrator.build import build_book
from narrator.cli import main
from narrator.config import load_config
from narrator.errors import NarratorError
from narrator.model import BuildOptions
from narrator.script import chapters_to_build

from .conftest import requires_tool
from .test_feed import make_book

pytestmark = requires_tool("ffmpeg", "ffprobe")


def _probe(path: Path) -> dict[str, list[dict[str, object]]]:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_chapters", "-show_streams",
         "-show_format", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    probed: dict[str, list[dict[str, object]]] = json.loads(done.stdout)
    return probed


def _seconds(path: Path) -> float:
    return float(str(_probe(path)["format"]["duration"]))  # type: ignore[call-overload]


@pytest.mark.slow
def test_the_book_has_a_chapter_per_chapter_the_cover_and_tags(tmp_path: Path) -> None:
    config_path, options = make_book(tmp_path, short=True)
    config = load_config(config_path)
    _, book = build_book(chapters_to_build([], tmp_path / "chapters"), config, options)
    assert book.output == options.out_dir / "the-test-book.m4b"
    assert not book.up_to_date
    assert book.chapters == 2

    probed = _probe(book.output)
    streams = probed["streams"]
    [sound] = [s for s in streams if s["codec_type"] == "audio"]
    assert (sound["codec_name"], sound["channels"]) == ("aac", 1)
    [picture] = [s for s in streams if s["codec_type"] == "video"]
    assert picture["disposition"]["attached_pic"] == 1  # type: ignore[index]
    assert (picture["width"], picture["height"]) == (1400, 1400)

    first, second = (options.out_dir / f"chapter-0{n}.mp3" for n in (1, 2))
    chapters = probed["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Chapter 1", "Chapter Two"]  # type: ignore[index]
    starts = [float(str(c["start_time"])) for c in chapters]
    assert starts[0] == 0
    assert abs(starts[1] - _seconds(first)) < 0.1
    total = _seconds(book.output)
    assert abs(total - (_seconds(first) + _seconds(second))) < 0.3
    assert abs(float(str(chapters[-1]["end_time"])) - total) < 0.3

    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-xerror", "-i", str(book.output), "-map", "0:a", "-f", "null",
         "-"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert decoded.returncode == 0, decoded.stderr

    tags = MP4(book.output).tags
    assert tags is not None
    assert tags["\xa9nam"] == ["The Test Book"]
    assert tags["\xa9alb"] == ["The Test Book"]
    assert tags["\xa9ART"] == ["Ann Author"]
    assert tags["aART"] == ["Ann Author"]
    assert tags["\xa9gen"] == ["Audiobook"]
    assert tags["stik"] == [2]
    assert tags["desc"][0].startswith("A family emergency has Alex Karev")
    assert bytes(tags["covr"][0]) == (options.out_dir / "cover.jpg").read_bytes()


@pytest.mark.slow
def test_an_unchanged_book_is_not_made_again_and_a_changed_one_is(tmp_path: Path) -> None:
    config_path, options = make_book(tmp_path, short=True)
    config = load_config(config_path)
    chapters = chapters_to_build([], tmp_path / "chapters")
    _, made = build_book(chapters, config, options)
    stamp = made.output.stat().st_mtime_ns
    _, again = build_book(chapters, config, options)
    assert again.up_to_date
    assert made.output.stat().st_mtime_ns == stamp

    (tmp_path / "chapters" / "chapter-02.txt").write_text(
        'Chapter Two\n\n"Shorter now," Alex says.\n', encoding="utf-8"
    )
    results, remade = build_book(chapters, config, options)
    assert [r.up_to_date for r in results] == [True, False]
    assert not remade.up_to_date
    assert abs(_seconds(remade.output) - sum(_seconds(r.output) for r in results)) < 0.3


def test_a_failed_book_leaves_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path, options = make_book(tmp_path, short=True)
    config = load_config(config_path)
    chapters = chapters_to_build([], tmp_path / "chapters")
    _, made = build_book(chapters, config, options)
    before = made.output.read_bytes()

    def broken(parts: object, metadata: str, destination: Path) -> None:
        destination.write_bytes(b"half a book")
        raise NarratorError("ffmpeg could not make the audiobook (status 1)")

    monkeypatch.setattr(audio, "encode_audiobook", broken)
    forced = BuildOptions(out_dir=options.out_dir, cache_dir=options.cache_dir, force=True)
    with pytest.raises(NarratorError):
        build_book(chapters, config, forced)
    assert made.output.read_bytes() == before
    assert not [p for p in options.out_dir.iterdir() if p.name.endswith(".tmp")]


def test_book_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_book(tmp_path, short=True)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["book"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        "output/chapter-01.mp3: up to date, nothing to do",
        "output/chapter-02.mp3: up to date, nothing to do",
    ]
    assert lines[2].startswith("output/the-test-book.m4b: 2 chapters, 0:")
    again = CliRunner().invoke(main, ["book"])
    assert again.output.splitlines()[2] == "output/the-test-book.m4b: up to date, nothing to do"
