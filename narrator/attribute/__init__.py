"""Attribute a speaker to every quotation: a rule sieve, then a learned ranker.

0. The cast's names are indexed (`names.py`), who is present in each scene followed
   (`scene.py`, with its point-of-view character) and a first-person narrator found
   (`first_person.py`).
1. The sieve (`sieve.py`, with `speech_tags.py` reading speech tags) tries, most certain first:
   continuation of last paragraph's open quote; name tags (`"...," Izzie says`, `said
   the horrified Mrs. Rachel`, `Robert Cohn said:`); "I said" in first-person stories
   (the narrator-character is found from the text); pronoun and gendered description
   tags (`she said`, `said the old man`) resolved by salience, the turn before and the
   conversation; self-identification (`"It's Meredith."`), and on a telephone call "said
   the voice on the phone" as that caller; the acting character beside the quote; the
   other quotes of the paragraph; turn-taking; a fallback. A name addressed inside a
   quote (a vocative) or spoken to in its tag is never its speaker.
2. The ranker (`ranker.py`) scores each quote's candidates with a conditional logit over
   the sieve's evidence (`features.py`: an untagged quote's candidates are those already
   in the scene and not gone from it; the sieve's own turn-taking guesses are not
   evidence; who takes part in a conversation is `participants.py`) and decodes each
   conversation's turns together (second-order Viterbi, `chain.py`: speakers alternate,
   less surely in a group of three or more, and one called by name in the turn before
   answers); strong explicit verdicts stay as anchors. Its weights are learned from the
   PDNC dev novels by tools/train_attribution.py, which also fits the confidence model
   (`confidence.py`) that marks a quote doubtful.
   `narrator init` finds a cast with `discover.py` (names), `name_forms.py` (which forms
   are one person, and their sex) and `epithets.py` (speakers known by a description).
3. The user's corrections (`<chapter>.speakers.yaml`) are fixed before decoding, so the
   turns around a corrected quote follow it; `--min-confidence` turns doubtful
   attributions into "unknown".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from narrator.attribute.names import Mention, NameIndex, unlisted_names
from narrator.attribute.overrides import (
    Unmatched,
    as_corrected,
    cautious,
    match_corrections,
    not_speech,
    quote_key,
)
from narrator.attribute.ranker import rerank, shipped_model
from narrator.attribute.sieve import Sieve
from narrator.model import UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from narrator.model import Character, Segment

__all__ = [
    "LOW_CONFIDENCE",
    "Mention",
    "NameIndex",
    "Unmatched",
    "attribute",
    "cautious",
    "doubtful",
    "match_corrections",
    "not_speech",
    "quote_key",
    "unlisted_names",
]

LOW_CONFIDENCE: Final = 0.5
"""Attributions less sure than this are shown as doubtful (`narrator script`, the review page)."""


def doubtful(seg: Segment) -> bool:
    """Whether a quote's attribution is one for the user to check: as its confidence
    model judged, else by a fixed threshold on its confidence."""
    if seg.doubtful is not None:
        return seg.doubtful
    confidence = seg.confidence if seg.confidence is not None else 0.0
    return confidence < LOW_CONFIDENCE or seg.speaker == UNKNOWN


def attribute(
    segments: Sequence[Segment],
    characters: Sequence[Character],
    fixed: Mapping[int, str] | None = None,
) -> tuple[Segment, ...]:
    """Copies of `segments` with every dialogue segment's speaker, rule and confidence
    filled; `fixed` speakers (by segment index: the user's corrections) kept, and the
    conversations around them decoded to fit."""
    fixed = fixed or {}
    sieve = Sieve(segments, NameIndex(characters))
    found = sieve.run()
    model = shipped_model()
    decided = found if model is None else rerank(sieve, found, model, fixed)
    return as_corrected(decided, fixed)
