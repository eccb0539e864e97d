"""Build: the seed chapter end to end into a real, tagged MP3; up-to-date and atomic outputs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from narrator.build import build
from narrator.config import load_config
from narrator.errors import EngineError
from narrator.model import BuildOptions
from narrator.script import chapters_to_build, script
from narrator.voices.engines.tone import ToneEngine

from .conftest import SEED, requires_tool


def _probe(path: Path) -> dict[str, str]:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
         "stream=codec_name,sample_rate,channels,bit_rate:format=duration",
         "-of", "default=nw=1", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(line.split("=", 1) for line in done.stdout.split())


def _tone_project(tmp_path: Path) -> tuple[Path, BuildOptions]:
    (tmp_path / "chapters").mkdir()
    chapter = tmp_path / "chapters" / "chapter-01.txt"
    shutil.copy(SEED, chapter)
    (tmp_path / "voices.yaml").write_text(
        "engine: tone\ncharacters:\n  Izzie: {gender: female}\n  Alex: {gender: male}\n",
        encoding="utf-8",
    )
    return chapter, BuildOptions(out_dir=tmp_path / "output", cache_dir=tmp_path / "cache")


@pytest.mark.slow
@requires_tool("ffmpeg")
def test_a_failed_build_leaves_the_previous_output_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chapter, options = _tone_project(tmp_path)
    config = load_config(tmp_path / "voices.yaml")
    build(chapters_to_build([chapter]), config, options)
    before = {p.name: p.read_bytes() for p in options.out_dir.rglob("*") if p.is_file()}
    assert sorted(before) == [
        "build.lock", "builds.json", "chapter-01.chapters.json", "chapter-01.mp3",
        "chapter-01.vtt", "cover.jpg", "feed.json", "feed.xml",
    ]  # fmt: skip

    calls = {"n": 0}
    real = ToneEngine.synthesize

    def failing(self: ToneEngine, text: str, voice: object) -> object:
        calls["n"] += 1
        if calls["n"] > 20:
            raise EngineError("synthesis failed on purpose")
        return real(self, text, voice)  # type: ignore[arg-type]

    monkeypatch.setattr(ToneEngine, "synthesize", failing)
    (tmp_path / "voices.yaml").write_text(
        "engine: tone\ncharacters:\n  Izzie: {gender: female, pitch: 80}\n  Alex: {gender: male}\n",
        encoding="utf-8",
    )
    changed = load_config(tmp_path / "voices.yaml")
    with pytest.raises(EngineError):
        build(chapters_to_build([chapter]), changed, options)
    assert {p.name: p.read_bytes() for p in options.out_dir.rglob("*") if p.is_file()} == before


@requires_tool("ffmpeg")
def test_track_numbers_follow_the_natural_order_of_the_chapters_folder(tmp_path: Path) -> None:
    chapter, options = _tone_project(tmp_path)
    for n in (2, 10):
        (chapter.parent / f"chapter-{n}.txt").write_text(f"Chapter {n} text.\n", encoding="utf-8")
    files = chapters_to_build([], chapter.parent)
    assert [p.path.name for p in files] == ["chapter-01.txt", "chapter-2.txt", "chapter-10.txt"]
    results = build(files[1:], load_config(tmp_path / "voices.yaml"), options)
    assert [str(ID3(r.output)["TRCK"]) for r in results] == ["2", "3"]


@pytest.mark.slow
@requires_tool("ffmpeg")
def test_a_one_voice_tweak_renders_only_that_characters_clips(tmp_path: Path) -> None:
    """Change Meredith's voice: her clips are made again (counted), nobody else's, and a
    chapter she does not speak in is left alone. A new chapter is the only one built."""
    from narrator.voices.cast import assign_voices
    from narrator.voices.synth import plan

    chapter, options = _tone_project(tmp_path)
    (chapter.parent / "chapter-02.txt").write_text(
        '"Drive," Alex says.\n\n"Where?" Izzie asks.\n', encoding="utf-8"
    )
    cast = "engine: tone\ncharacters:\n  Izzie: {gender: female}\n  Alex: {gender: male}\n"
    (tmp_path / "voices.yaml").write_text(cast + "  Meredith: {gender: female}\n", encoding="utf-8")
    config = load_config(tmp_path / "voices.yaml")
    files = chapters_to_build([], chapter.parent)
    first = build(files, config, options)
    assert [r.up_to_date for r in first] == [False, False]

    (tmp_path / "voices.yaml").write_text(
        cast + "  Meredith: {gender: female, pitch: 90}\n", encoding="utf-8"
    )
    tweaked = load_config(tmp_path / "voices.yaml")
    meredith = assign_voices(tweaked)["Meredith"]
    scripted = script(chapter, tweaked)
    chunks = plan(scripted.chapter, scripted.segments, assign_voices(tweaked))
    hers = {c.speech for c in chunks if c.voice == meredith}
    assert len(hers) > 10
    second = build(files, tweaked, options)
    assert second[0].rendered == len(hers)  # her clips, and only hers
    assert second[0].clips == first[0].clips
    assert second[1].up_to_date  # she does not speak in chapter 2

    (chapter.parent / "chapter-03.txt").write_text('"New," Izzie says.\n', encoding="utf-8")
    third = build(chapters_to_build([], chapter.parent), tweaked, options)
    # The others stay as they are, bytes and all: a published episode does not change.
    assert [(r.up_to_date, r.retagged) for r in third] == [
        (True, False),
        (True, False),
        (False, False),
    ]
    assert [str(ID3(r.output)["TRCK"]) for r in third] == ["1", "2", "3"]
    assert [
        r.up_to_date for r in build(chapters_to_build([], chapter.parent), tweaked, options)
    ] == [True] * 3

    # A new book title changes every chapter's tags and none of their sound.
    (tmp_path / "voices.yaml").write_text(
        "book: {title: Renamed}\n" + cast + "  Meredith: {gender: female, pitch: 90}\n",
        encoding="utf-8",
    )
    sound = [_pcm_digest(r.output) for r in third]
    renamed = build(
        chapters_to_build([], chapter.parent), load_config(tmp_path / "voices.yaml"), options
    )
    assert [(r.retagged, r.rendered) for r in renamed] == [(True, 0)] * 3
    assert [str(ID3(r.output)["TALB"]) for r in renamed] == ["Renamed"] * 3
    assert [_pcm_digest(r.output) for r in renamed] == sound


def _pcm_digest(mp3: Path) -> str:
    import hashlib

    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(mp3), "-map", "0:a", "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return hashlib.sha256(decoded).hexdigest()


@pytest.mark.slow
@pytest.mark.integration
@requires_tool("espeak-ng", "ffmpeg", "ffprobe")
def test_engines_mix_per_voice(tmp_path: Path) -> None:
    """The narrator on Piper (neural), the characters on espeak-ng, in one chapter."""
    (tmp_path / "chapters").mkdir()
    chapter = tmp_path / "chapters" / "one.txt"
    chapter.write_text('Izzie looked up.\n\n"Hello, Alex," she said.\n', encoding="utf-8")
    (tmp_path / "voices.yaml").write_text(
        "engine: espeak\nnarrator: {engine: piper}\n"
        "characters:\n  Izzie: {gender: female}\n  Alex: {gender: male}\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "voices.yaml")
    options = BuildOptions(out_dir=tmp_path / "output", cache_dir=tmp_path / "cache")
    [result] = build(chapters_to_build([chapter]), config, options)
    assert result.clips == 3
    assert float(_probe(result.output)["duration"]) > 2.0
    from narrator.voices.cast import assign_voices

    engines = {name: voice.engine for name, voice in assign_voices(config).items()}
    assert (engines["narrator"], engines["Izzie"], engines["Alex"]) == ("piper", "espeak", "espeak")
