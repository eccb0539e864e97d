"""Attribute a speaker to every dialogue segment: a sieve of rules, most certain first.

The rules, in the order they are tried for each quotation:

1. continuation: a quote that carries on last paragraph's unclosed quote keeps its speaker;
2. name tag: a name or alias with a speech verb next to the quote
   (`"...," Izzie says` / `says Izzie` / `Meredith whispers, "..."`);
3. pronoun tag: `she says` and the like, resolved by gender: first to the subject of the
   paragraph's narration before the quote, then to the conversation's recent speakers
   (not the one who spoke just before), then to the most salient character in the narration;
4. self-identification: `"It's Meredith."`, `"I'm Alex."`;
5. the paragraph's acting character: the subject of the narration beside the quote;
6. same paragraph: a quote without a tag shares the speaker of a tagged quote in its paragraph;
7. turn-taking: in a run of exchanges, speakers alternate (A, B, A, B) around known turns;
8. fallback: the most recent other speaker, with low confidence, else "unknown".

A name addressed inside a quote (a vocative: `"Alex, stay here"`) is never its speaker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narrator.attribute.names import Cast, Mention, unlisted_names
from narrator.attribute.ranker import rerank, shipped_model
from narrator.attribute.sieve import Sieve

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Character, Segment

__all__ = ["Cast", "Mention", "attribute", "unlisted_names"]


def attribute(segments: Sequence[Segment], characters: Sequence[Character]) -> tuple[Segment, ...]:
    """Copies of `segments` with every dialogue segment's speaker, rule and confidence filled."""
    sieve = Sieve(segments, Cast(characters))
    found = sieve.run()
    model = shipped_model()
    return found if model is None else rerank(sieve, found, model)
