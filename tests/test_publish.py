"""The publishing edge on a real build of the seed: loudness, tags, cover, chapters, VTT."""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from PIL import Image

from narrator import audio
from narrator.build import build
from narrator.config import load_config
from narrator.model import BuildOptions
from narrator.script import chapters_to_build

from .acoustics import samples_of
from .conftest import ROOT, SEED, requires_tool

pytestmark = requires_tool("espeak-ng", "ffmpeg", "ffprobe")


def _pcm(mp3: Path) -> bytes:
    return subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(mp3), "-map", "0:a", "-f", "s16le",
         "-ac", "1", "-ar", str(audio.SAMPLE_RATE), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip


def _cues(vtt: Path) -> list[tuple[float, float, str, str]]:
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    text = vtt.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        if block.startswith("NOTE "):
            continue
        identifier, times, line = block.split("\n")
        assert re.fullmatch(r"\d+ s\d+", identifier), identifier  # number, segment
        start, end = times.split(" --> ")
        voice = re.fullmatch(r"<v ([^>]+)>(.+)", line)
        assert voice is not None, line
        cues.append((seconds(start), seconds(end), voice.group(1), voice.group(2)))
    return cues


def test_seed_chapter_is_an_mp3_of_8_to_12_minutes_that_decodes(seed_mp3: Path) -> None:
    """Acceptance of issue 2: ffprobe decodes it, 8 to 12 minutes, mono 22,050 Hz."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
         "stream=codec_name,sample_rate,channels:format=duration", "-of", "default=nw=1",
         str(seed_mp3)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    fields = dict(line.split("=", 1) for line in probe.stdout.split())
    assert (fields["codec_name"], fields["channels"], fields["sample_rate"]) == (
        "mp3",
        "1",
        "22050",
    )
    assert 8 * 60 <= float(fields["duration"]) <= 12 * 60
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-xerror", "-i", str(seed_mp3), "-map", "0:a", "-f", "null", "-"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert decoded.returncode == 0, decoded.stderr
    again = build(chapters_to_build([SEED]), load_config(ROOT / "voices.yaml"),
                  BuildOptions(out_dir=seed_mp3.parent, cache_dir=seed_mp3.parent.parent / "cache"))  # fmt: skip
    assert again[0].up_to_date


def test_chapter_loudness_and_true_peak(seed_mp3: Path) -> None:
    measured = audio.measure(seed_mp3)
    assert abs(measured.integrated_lufs - audio.TARGET_LUFS) <= 0.5, measured
    assert measured.true_peak_dbtp <= audio.TRUE_PEAK_DBTP, measured


def test_every_speaker_is_within_one_lu_of_the_narrator(seed_mp3: Path) -> None:
    pcm = _pcm(seed_mp3)
    rate = audio.SAMPLE_RATE
    by_speaker: dict[str, list[bytes]] = defaultdict(list)
    for start, end, speaker, _ in _cues(seed_mp3.with_suffix(".vtt")):
        by_speaker[speaker].append(pcm[2 * int(start * rate) : 2 * int(end * rate)] + bytes(4410))
    loudness = {
        s: audio.measure(b"".join(parts)).integrated_lufs for s, parts in by_speaker.items()
    }
    assert set(loudness) == {"Narrator", "Izzie", "Alex", "Meredith"}
    spread = {s: round(v - loudness["Narrator"], 2) for s, v in loudness.items()}
    assert all(abs(v) <= 1.0 for v in spread.values()), spread


def test_cues_start_where_the_speech_does(seed_mp3: Path) -> None:
    """Each cue within 50 ms of where its sentence is heard in the decoded MP3."""
    x = abs(samples_of(_pcm(seed_mp3)))
    rate = audio.SAMPLE_RATE
    window = rate // 200  # 5 ms
    cues = _cues(seed_mp3.with_suffix(".vtt"))
    off = []
    for start, _, _, text in cues:
        begin = max(0, int((start - 0.1) * rate))
        loud = [i for i in range(begin, begin + rate // 2, window) if x[i : i + window].max() > 300]
        onset = loud[0] / rate if loud else None
        if onset is None or abs(onset - start) > 0.05:
            off.append((round(start, 3), onset and round(onset, 3), text[:30]))
    assert len(off) <= len(cues) // 50, off  # soft openings ("h", "f") may start quieter


def test_tags_cover_and_chapters_read_back(seed_mp3: Path) -> None:
    tags = ID3(seed_mp3)
    assert str(tags["TIT2"]) == "Chapter 1"
    assert str(tags["TALB"]) == "The (After) Life of the Party"
    assert str(tags["TPE1"]) == str(tags["TPE2"]) == "Anonymous fan author"
    assert str(tags["TCON"]) == "Audiobook"
    assert str(tags["TSSE"]).startswith("narrator ")
    [cover] = tags.getall("APIC")
    with Image.open(io.BytesIO(cover.data)) as picture:
        assert picture.size[0] == picture.size[1] >= 1400
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(seed_mp3)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    [chapter] = json.loads(probe.stdout)["chapters"]
    assert chapter["tags"]["title"] == "Chapter 1"
    assert float(chapter["start_time"]) == 0.0
    chapters_json = json.loads(seed_mp3.with_name("chapter-01.chapters.json").read_text())
    assert chapters_json["version"] == "1.2.0"
    assert chapters_json["chapters"][0] == {
        "startTime": 0.0, "endTime": pytest.approx(float(chapter["end_time"]), abs=0.01),
        "title": "Chapter 1",
    }  # fmt: skip


def test_scene_breaks_become_chapters(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    chapter = tmp_path / "chapters" / "night.txt"
    chapter.write_text(
        "Chapter 2: Night\n\nShe left.\n\n* * *\n\nHe stayed.\n\n* * *\n\nMorning came.\n",
        encoding="utf-8",
    )
    (tmp_path / "voices.yaml").write_text("engine: tone\ncharacters: {}\n", encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    [result] = build(chapters_to_build([chapter]), load_config(tmp_path / "voices.yaml"), options)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(result.output)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    chapters = json.loads(probe.stdout)["chapters"]
    assert [c["tags"]["title"] for c in chapters] == [
        "Chapter 2: Night", "Chapter 2: Night, scene 2", "Chapter 2: Night, scene 3",
    ]  # fmt: skip
    starts = [float(c["start_time"]) for c in chapters]
    assert starts == sorted(starts)
    assert starts[1] > 0
