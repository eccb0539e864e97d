"""`narrator cast`: who speaks how often, and names in the text that are not in the cast."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narrator.attribute import unlisted_names
from narrator.model import UNKNOWN
from narrator.script import load_chapters, script

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import ChapterRef, Config


@dataclass(frozen=True, slots=True)
class CastReport:
    """Quotes per speaker, in cast order (unknown last), and names the cast lacks."""

    lines: tuple[tuple[str, int], ...]
    """(speaker, quotes) for every speaker heard."""
    silent: tuple[str, ...]
    """Cast members who say nothing."""
    missing: tuple[tuple[str, int], ...]
    """(name, mentions) of capitalised names not in the cast, most frequent first."""


def cast_report(refs: Sequence[ChapterRef], config: Config, most: int = 30) -> CastReport:
    """Count who speaks in the chapters and which names in them the cast lacks."""
    lines: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    for chapter in load_chapters(refs, config):
        scripted = script(chapter, config)
        lines.update(s.speaker for s in scripted.segments if s.kind == "dialogue")
        missing.update(dict(unlisted_names(chapter, config.characters)))
    names = [c.name for c in config.characters]
    return CastReport(
        lines=tuple((name, lines[name]) for name in [*names, UNKNOWN] if lines[name]),
        silent=tuple(name for name in names if not lines[name]),
        missing=tuple(missing.most_common(most)),
    )
