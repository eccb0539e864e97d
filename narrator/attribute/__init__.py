"""Attribute a speaker to every quotation: a rule sieve, then a learned ranker.

1. The sieve (`sieve.py`, with `tags.py` reading speech tags) tries, most certain first:
   continuation of last paragraph's open quote; name tags (`"...," Izzie says`, `said
   the horrified Mrs. Rachel`, `Robert Cohn said:`); "I said" in first-person stories
   (the narrator-character is found from the text); pronoun and gendered description
   tags (`she said`, `said the old man`) resolved by salience, the turn before and the
   conversation; self-identification (`"It's Meredith."`); the acting character beside
   the quote; the other quotes of the paragraph; turn-taking; a fallback. A name
   addressed inside a quote (a vocative) or spoken to in its tag is never its speaker.
2. The ranker (`ranker.py`) scores each quote's candidates with a conditional logit over
   the sieve's evidence and decodes each conversation's turns together (second-order
   Viterbi: speakers alternate); strong explicit verdicts stay as anchors. Its weights
   are learned from the PDNC dev novels by tools/train_ranker.py.
3. The user's corrections (`<chapter>.speakers.yaml`) override both, and
   `--min-confidence` turns doubtful attributions into "unknown".
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

from narrator.attribute.names import Cast, Mention, unlisted_names
from narrator.attribute.ranker import rerank, shipped_model
from narrator.attribute.sieve import Sieve
from narrator.model import NARRATOR, UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Character, Override, Segment

__all__ = [
    "LOW_CONFIDENCE",
    "Cast",
    "Mention",
    "apply_overrides",
    "attribute",
    "cautious",
    "doubtful",
    "unlisted_names",
]

LOW_CONFIDENCE: Final = 0.5
"""Attributions less sure than this are shown as doubtful (`narrator script`, the review page)."""


def doubtful(seg: Segment) -> bool:
    """Whether a quote's attribution is one for the user to check."""
    confidence = seg.confidence if seg.confidence is not None else 0.0
    return confidence < LOW_CONFIDENCE or seg.speaker == UNKNOWN


def attribute(segments: Sequence[Segment], characters: Sequence[Character]) -> tuple[Segment, ...]:
    """Copies of `segments` with every dialogue segment's speaker, rule and confidence filled."""
    sieve = Sieve(segments, Cast(characters))
    found = sieve.run()
    model = shipped_model()
    return found if model is None else rerank(sieve, found, model)


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
                        seg, kind="narration", speaker=NARRATOR, rule=None, confidence=None
                    )
                else:
                    seg = dataclasses.replace(
                        seg, speaker=override.speaker, rule="override", confidence=1.0
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
