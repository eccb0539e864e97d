"""The script: a chapter read, split into narration and quotes, and each quote given its
speaker, with the user's corrections applied. The first half of the pipeline:

    sources -> ingest -> segment -> attribute (+ corrections)

`narrator.build` carries a script on to audio. `narrator script`, `speakers`, `review` and
`verify` use this module without loading `narrator.build` and the audio half it imports
(synthesis and its workers, assembly, tags, the feed).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrator.attribute import (
    Unmatched,
    attribute,
    cautious,
    match_corrections,
    not_speech,
)
from narrator.config.corrections import corrections_path, load_corrections
from narrator.errors import InputError
from narrator.model import NARRATOR, Chapter, ChapterRef, Config, Override, Segment
from narrator.text.ingest import ingest
from narrator.text.segment import segment
from narrator.text.sources import chapter_files, open_chapters

if TYPE_CHECKING:
    from collections.abc import Sequence

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Script:
    """A chapter as narration and quotes, each quote with its speaker."""

    chapter: Chapter
    segments: tuple[Segment, ...]
    """With the user's corrections applied (and --min-confidence)."""
    attributed: tuple[Segment, ...]
    """As attribution found them, before the corrections."""
    corrections: tuple[Override, ...]
    unmatched: tuple[Unmatched, ...]
    """Corrections whose quote is not in the chapter (edited since, say)."""
    changed: int = 0
    """Quotes the corrections did not name whose speaker they changed (the turns of a
    conversation follow a corrected one)."""


def chapters_to_build(
    written: Sequence[str | Path], folder: Path = Path("chapters")
) -> list[ChapterRef]:
    """The chapters a command names (`story.epub#2` for one chapter of a book file), or
    every chapter file in `folder`."""
    if written:
        return [ChapterRef.parse(w) for w in written]
    refs = [ChapterRef(p) for p in chapter_files(folder)]
    if not refs:
        raise InputError(
            f"{folder}/ holds no chapter files",
            "add a .txt, .md, .html or .epub file, or name chapters to build",
        )
    return refs


def load_chapters(refs: Sequence[ChapterRef], config: Config) -> list[Chapter]:
    """The chapters the references name, each source file read once."""
    return open_chapters(refs, read_front_matter=config.read_front_matter)


def load_chapter(ref: ChapterRef | Path | str, config: Config) -> Chapter:
    """The one chapter a reference names (`story.epub#2`; a file of one chapter)."""
    return ingest(ref, read_front_matter=config.read_front_matter)


def sample_script(text: str, speaker: str) -> Script:
    """A text that is not a chapter (a preview line), all of it given to `speaker`."""
    from narrator.text.ingest import chapter_from_text

    chapter = chapter_from_text(text, Path("sample.txt"))
    segments = tuple(dataclasses.replace(s, speaker=speaker) for s in segment(chapter))
    return Script(chapter, segments, segments, (), ())


def script(
    chapter: Chapter | ChapterRef | Path | str, config: Config, min_confidence: float = 0.0
) -> Script:
    """Ingest (unless given a chapter), segment and attribute one chapter, with the user's
    corrections applied."""
    if not isinstance(chapter, Chapter):
        chapter = ingest(chapter, read_front_matter=config.read_front_matter)
    segmented = segment(chapter)
    attributed = attribute(segmented, config.characters)
    corrections = load_corrections(corrections_path(chapter.ref), config.characters)
    segments, changed = attributed, 0
    unmatched: list[Unmatched] = []
    if corrections:
        matched, unmatched = match_corrections(segmented, corrections)
        fixed = {i: c.speaker for i, c in matched.items() if c.speaker != NARRATOR}
        spoken = not_speech(segmented, set(matched) - set(fixed))
        segments = attribute(spoken, config.characters, fixed)
        changed = sum(
            1
            for before, after in zip(attributed, segments, strict=True)
            if after.kind == "dialogue" and after.index not in fixed
            and after.speaker != before.speaker
        )  # fmt: skip
    for miss in unmatched:
        c = miss.correction
        hint = f"the closest is \u201c{miss.closest}\u201d" if miss.closest else "was it edited?"
        _LOGGER.warning(
            "%s: no quote \u201c%s\u201d (number %d) in %s; %s",
            c.origin, c.quote, c.occurrence, chapter.name, hint,
        )  # fmt: skip
    if min_confidence > 0:
        segments = cautious(segments, min_confidence)
    return Script(chapter, segments, attributed, corrections, tuple(unmatched), changed)
