"""The user's corrections, matched to quotes; and `--min-confidence`.

A correction names a quote by its words (and which of the quotes with those words it is),
not by its position, so it survives edits elsewhere in the chapter. Words are compared as
a reader would: curly and straight quotes and apostrophes, dashes and runs of white
space are all alike ("I'm" typed on a keyboard is the book's "I’m"). Matched corrections
become fixed points of the attribution: the conversation is decoded around them.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from typing import TYPE_CHECKING, Final

from narrator.model import NARRATOR, UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from narrator.model import Override, Segment

_FOLD: Final = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
        "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ",
    }
)  # fmt: skip
_DASHES: Final = re.compile(r"\s*-+\s*")


def quote_key(text: str) -> str:
    """A quote's words as corrections are matched: quote marks, apostrophes, dashes and
    white space folded, the quote marks around it dropped."""
    folded = " ".join(text.translate(_FOLD).split())
    folded = _DASHES.sub("-", folded)
    return folded.strip("\"' ")


@dataclasses.dataclass(frozen=True, slots=True)
class Unmatched:
    """A correction whose quote is not in the chapter, and the quote most like it."""

    correction: Override
    closest: str | None


def match_corrections(
    segments: Sequence[Segment], corrections: Sequence[Override]
) -> tuple[dict[int, Override], list[Unmatched]]:
    """Which dialogue segment each correction is for (by index), and those for none."""
    wanted = {(quote_key(c.quote), c.occurrence): c for c in corrections}
    seen: dict[str, int] = {}
    matched: dict[int, Override] = {}
    for seg in segments:
        if seg.kind != "dialogue":
            continue
        key = quote_key(seg.text)
        seen[key] = seen.get(key, 0) + 1
        correction = wanted.pop((key, seen[key]), None)
        if correction is not None:
            matched[seg.index] = correction
    quotes = {quote_key(seg.text): seg.text for seg in segments if seg.kind == "dialogue"}
    unmatched = []
    for (key, _), correction in wanted.items():
        close = difflib.get_close_matches(key, list(quotes), n=1, cutoff=0.6)
        unmatched.append(
            Unmatched(correction, " ".join(quotes[close[0]].split()) if close else None)
        )
    return matched, unmatched


def not_speech(segments: Sequence[Segment], indexes: set[int]) -> tuple[Segment, ...]:
    """Segments with the quotes at `indexes` read as narration (corrected to "narrator")."""
    return tuple(
        dataclasses.replace(
            seg, kind="narration", speaker=NARRATOR, rule=None, confidence=None, doubtful=None
        )
        if seg.index in indexes
        else seg
        for seg in segments
    )


def as_corrected(segments: Sequence[Segment], fixed: Mapping[int, str]) -> tuple[Segment, ...]:
    """Segments with the corrected quotes given their speaker, marked as corrections."""
    return tuple(
        dataclasses.replace(
            seg, speaker=fixed[seg.index], rule="override", confidence=1.0, doubtful=False
        )
        if seg.index in fixed
        else seg
        for seg in segments
    )


def cautious(segments: Sequence[Segment], min_confidence: float) -> tuple[Segment, ...]:
    """Segments where a quote attributed with less than `min_confidence` is "unknown"
    (spoken in the unknown voice) rather than given to a character on a guess."""
    return tuple(
        dataclasses.replace(seg, speaker=UNKNOWN)
        if seg.kind == "dialogue" and (seg.confidence or 0.0) < min_confidence
        else seg
        for seg in segments
    )
