"""The user's corrections over the attribution, and `--min-confidence`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from narrator.model import NARRATOR, UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Override, Segment


def apply_overrides(
    segments: Sequence[Segment], overrides: Sequence[Override]
) -> tuple[tuple[Segment, ...], list[Override]]:
    """Segments with the user's corrections applied, and the corrections that matched no
    quotation (its text was edited, say). A quote given to "narrator" becomes narration."""
    wanted = {(o.quote, o.occurrence): o for o in overrides}
    seen: dict[str, int] = {}
    used: set[tuple[str, int]] = set()
    out = []
    for seg in segments:
        if seg.kind == "dialogue":
            text = " ".join(seg.text.split())
            seen[text] = seen.get(text, 0) + 1
            override = wanted.get((text, seen[text]))
            if override is not None:
                used.add((text, seen[text]))
                if override.speaker == NARRATOR:
                    seg = dataclasses.replace(
                        seg,
                        kind="narration",
                        speaker=NARRATOR,
                        rule=None,
                        confidence=None,
                        doubtful=None,
                    )
                else:
                    seg = dataclasses.replace(
                        seg,
                        speaker=override.speaker,
                        rule="override",
                        confidence=1.0,
                        doubtful=False,
                    )
        out.append(seg)
    return tuple(out), [o for key, o in wanted.items() if key not in used]


def cautious(segments: Sequence[Segment], min_confidence: float) -> tuple[Segment, ...]:
    """Segments where a quote attributed with less than `min_confidence` is "unknown"
    (spoken in the unknown voice) rather than given to a character on a guess."""
    return tuple(
        dataclasses.replace(seg, speaker=UNKNOWN)
        if seg.kind == "dialogue" and (seg.confidence or 0.0) < min_confidence
        else seg
        for seg in segments
    )
