"""Assemble a chapter: its clips in order with pauses between them, each voice at its
gain, streamed through ffmpeg into an MP3; then its tags and transcript sidecars."""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from narrator import audio
from narrator.files import write_atomically, write_text
from narrator.publish.id3 import TagInfo, read_chapter_times, write_tags
from narrator.publish.transcript import Cue, Mark, marks, to_chapters_json, to_vtt
from narrator.voices.cache import read_samples

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from pathlib import Path

    from narrator.model import Voice
    from narrator.voices.cache import CachedClip
    from narrator.voices.synth import Chunk


@dataclass(frozen=True, slots=True)
class Pauses:
    """Silence, in milliseconds, inserted between clips by where they fall."""

    lead_in_ms: int = 400
    sentence_ms: int = 350
    """Between sentences of one segment."""
    clause_ms: int = 180
    """Within a sentence: a quote and its tag (`"Hi," she says`), after a comma or a dash."""
    segment_ms: int = 300
    """Between a full stop and the next segment of the same paragraph."""
    paragraph_ms: int = 750
    heading_ms: int = 1_300
    """After a chapter heading."""
    scene_ms: int = 1_800
    """At a scene break (`***`)."""
    tail_ms: int = 1_500


PAUSES: Final = Pauses()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a clip falls in the chapter, which decides the pause before it."""

    segment: int
    paragraph: int
    scene: int
    heading: bool
    text: str


def pause_ms(before: Placement | None, after: Placement, pauses: Pauses = PAUSES) -> int:
    """The silence between two consecutive clips."""
    if before is None:
        return pauses.lead_in_ms
    if after.scene != before.scene:
        return pauses.scene_ms
    if after.paragraph != before.paragraph:
        return pauses.heading_ms if before.heading else pauses.paragraph_ms
    if after.segment == before.segment:
        return pauses.sentence_ms
    ending = before.text.rstrip("\"'\u201d\u2019)]*_ ")[-1:]
    if ending in (",", ";", ":", "\u2014", "\u2013", "-") or after.text[:1].islower():
        return pauses.clause_ms
    return pauses.segment_ms


def placement(chunk: Chunk) -> Placement:
    """Where a chunk falls, for the pause before it."""
    return Placement(chunk.segment, chunk.paragraph, chunk.scene, chunk.heading, chunk.text)


@dataclass(frozen=True, slots=True)
class Assembly:
    """Where every sentence landed in a chapter's audio."""

    frames: int
    cues: tuple[Cue, ...]
    marks: tuple[Mark, ...] = ()

    @property
    def duration_seconds(self) -> float:
        return self.frames / audio.SAMPLE_RATE


def assemble(
    chunks: Sequence[Chunk],
    clips: Iterable[CachedClip],
    gains: Mapping[Voice, float],
    destination: Path,
) -> Assembly:
    """Stream the clips, each at its voice's gain and with its pause, into an MP3."""
    cues: list[Cue] = []
    frames = 0

    def pcm() -> Iterator[bytes]:
        nonlocal frames
        before = None
        for chunk, clip in zip(chunks, clips, strict=True):
            here = placement(chunk)
            gap = audio.silence(pause_ms(before, here))
            samples = audio.at_gain(read_samples(clip), gains[chunk.voice])
            start = frames + len(gap) // 2
            frames = start + len(samples) // 2
            cues.append(
                Cue(start / audio.SAMPLE_RATE, frames / audio.SAMPLE_RATE, chunk.speaker,
                    chunk.text, chunk.segment, chunk.scene)
            )  # fmt: skip
            yield gap
            yield samples
            before = here
        tail = audio.silence(PAUSES.tail_ms)
        frames += len(tail) // 2
        yield tail

    audio.encode_mp3(pcm(), destination)
    return Assembly(frames, tuple(cues))


def sidecars(output: Path) -> dict[str, Path]:
    """The files published beside a chapter's MP3: its transcript and its chapters."""
    return {
        "vtt": output.with_suffix(".vtt"),
        "chapters": output.with_name(output.stem + ".chapters.json"),
    }


def write_chapter(
    output: Path,
    chunks: Sequence[Chunk],
    clips: Iterable[CachedClip],
    gains: Mapping[Voice, float],
    info: TagInfo,
    *,
    with_sidecars: bool = True,
) -> Assembly:
    """Write the chapter's MP3 with its tags, and its sidecars, each whole or not at all.

    The sidecars go first and the MP3 last: its build hash says the chapter is done, so a
    build killed in between is redone whole next time, never left half-new."""

    def encode(temporary: Path) -> Assembly:
        assembly = assemble(chunks, clips, gains, temporary)
        chapter_marks = marks(assembly.cues, info.title, assembly.duration_seconds)
        if not with_sidecars:
            write_tags(temporary, info, [])
            return assembly
        write_tags(temporary, info, chapter_marks)
        files = sidecars(output)
        write_text(files["vtt"], to_vtt(assembly.cues))
        write_text(files["chapters"], to_chapters_json(chapter_marks))
        return dataclasses.replace(assembly, marks=tuple(chapter_marks))

    return write_atomically(output, encode)


def retag_chapter(output: Path, info: TagInfo) -> None:
    """Rewrite an MP3's tags (and its chapters sidecar), its sound untouched."""

    def retag(temporary: Path) -> None:
        shutil.copyfile(output, temporary)
        write_tags(temporary, info)
        times = read_chapter_times(temporary)
        write_text(
            sidecars(output)["chapters"],
            to_chapters_json(
                [Mark(a, b, info.title if n == 0 else f"{info.title}, scene {n + 1}")
                 for n, (a, b) in enumerate(times)]
            ),
        )  # fmt: skip

    write_atomically(output, retag)
