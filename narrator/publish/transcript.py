"""Transcript sidecars: WebVTT with a cue per sentence, and Podcasting 2.0 chapters."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

CHAPTERS_VERSION: Final = "1.2.0"
TRANSCRIPT_NOTE: Final = "NOTE narrator transcript 2: a cue is named <number> s<segment>"
"""Written after the WEBVTT line: which narrator layout the transcript has (2: every cue
names the script segment it speaks, which the review page lines the audio up by)."""


@dataclass(frozen=True, slots=True)
class Cue:
    """One sentence as it was placed in the chapter's audio."""

    start_seconds: float
    end_seconds: float
    speaker: str
    """A character's name, or "narrator"."""
    text: str
    segment: int
    scene: int


@dataclass(frozen=True, slots=True)
class Mark:
    """A chapter mark: the chapter's start, and each scene break."""

    start_seconds: float
    end_seconds: float
    title: str


def marks(cues: Sequence[Cue], title: str, duration_seconds: float) -> list[Mark]:
    """A mark at the start, titled with the chapter, and one where each new scene starts."""
    starts: list[tuple[float, str]] = [(0.0, title)]
    scene = cues[0].scene if cues else 0
    for cue in cues:
        if cue.scene != scene:
            scene = cue.scene
            starts.append((cue.start_seconds, f"{title}, scene {len(starts) + 1}"))
    ends = [start for start, _ in starts[1:]] + [duration_seconds]
    return [Mark(start, end, name) for (start, name), end in zip(starts, ends, strict=True)]


def to_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT: a cue per sentence, its speaker as a voice span (`<v Izzie>`), its
    identifier its number and the segment it speaks (`17 s12`)."""
    lines = ["WEBVTT", "", TRANSCRIPT_NOTE, ""]
    for number, cue in enumerate(cues, start=1):
        speaker = "Narrator" if cue.speaker == "narrator" else cue.speaker
        lines += [
            f"{number} s{cue.segment}",
            f"{_timestamp(cue.start_seconds)} --> {_timestamp(cue.end_seconds)}",
            f"<v {_escape(speaker)}>{_escape(' '.join(cue.text.split()))}",
            "",
        ]
    return "\n".join(lines)


def to_chapters_json(chapter_marks: Sequence[Mark]) -> str:
    """Podcasting 2.0 JSON chapters (podcast:chapters)."""
    document = {
        "version": CHAPTERS_VERSION,
        "chapters": [
            {"startTime": round(mark.start_seconds, 3), "endTime": round(mark.end_seconds, 3),
             "title": mark.title}
            for mark in chapter_marks
        ],
    }  # fmt: skip
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _timestamp(seconds: float) -> str:
    milliseconds = max(0, round(seconds * 1000))
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_TIME: Final = r"(\d+):(\d\d):(\d\d)\.(\d{3})"
_CUE_TIMES: Final = re.compile(rf"^{_TIME} --> {_TIME}")
_SEGMENT_ID: Final = re.compile(r"^\d+ s(\d+)$")


@dataclass(frozen=True, slots=True)
class TimedText:
    """A cue read back from a transcript."""

    start_seconds: float
    end_seconds: float
    text: str
    """Without markup."""
    segment: int | None
    """The script segment it speaks; None in a transcript that does not say."""


def read_vtt(text: str) -> list[TimedText]:
    """The cues of a transcript `to_vtt` wrote."""
    cues: list[TimedText] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        found = _CUE_TIMES.match(line)
        if found is None or number + 1 >= len(lines):
            continue
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, found.groups())
        start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
        body = re.sub(r"<[^>]*>", "", lines[number + 1])
        identifier = _SEGMENT_ID.match(lines[number - 1]) if number else None
        segment = int(identifier.group(1)) if identifier else None
        cues.append(TimedText(start, end, html.unescape(body), segment))
    return cues


def is_current(vtt: Path) -> bool:
    """Whether a transcript has the layout this narrator writes (read from its head)."""
    try:
        with vtt.open("rb") as head:
            return TRANSCRIPT_NOTE.encode() in head.read(256)
    except OSError:
        return False
