"""Who takes part in each conversation, as its confident tags and its vocatives show.

A conversation's participants are those its tags name as speakers (a name, a self-naming,
a description, the caller on the phone, or the one acting beside a quote), and those its
dialogue calls by name. How many there are in a stretch of turns says whether the talk is
between two (where the one before answers) or in a group (where anyone may).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from narrator.attribute.sieve import Sieve
    from narrator.model import Gender

_TAG_RULES: Final = frozenset(
    {"name-tag", "first-person-tag", "pronoun-tag", "self-identification", "continuation"}
)
_NAMING_RULES: Final = _TAG_RULES - {"pronoun-tag"}
"""Tags that name their speaker; a pronoun tag's speaker is the sieve's guess."""
_TAKING_PART: Final = _NAMING_RULES | {
    "actor-before",
    "actor-after",
    "caller-tag",
    "description-tag",
}
"""Verdicts that show someone taking part in a conversation: tags that name or describe
them, the caller on the phone, beats."""
_SURE: Final = 0.7
_GROUP_TURNS: Final = 8
"""How far either side of a turn its stretch of the conversation reaches."""


class Participants:
    """Who each conversation's (and each turn's) tags and vocatives show taking part."""

    def __init__(self, sieve: Sieve) -> None:
        self.sieve = sieve
        self.tagged: dict[int, Counter[str]] = {}
        """By conversation: how often its confident tags show each person speaking,
        before or after any quote."""
        self.addressed: dict[int, Counter[str]] = {}
        """By conversation: how often its dialogue calls each person by name."""
        self.of_turn: list[frozenset[str]] = []
        """Who each turn's confident tags show taking part."""
        self.shown_before: list[frozenset[str]] = []
        """Who the dialogue of each turn's scene has shown before it: speakers its tags
        name, and those addressed."""
        self._only: dict[tuple[int, Gender], str | None] = {}
        shown: set[str] = set()
        for k, turn in enumerate(sieve.turns):
            # (and who acts beside a turn's quotes: `"Hm." Mrs. Okafor checked her clipboard.`)
            here = {
                v.speaker
                for v in [*(sieve.verdicts.get(i) for i in turn.quotes), turn.actor]
                if v is not None and v.rule in _TAKING_PART and v.confidence >= _SURE
            }
            self.tagged.setdefault(turn.conversation, Counter()).update(here)
            self.of_turn.append(frozenset(here))
            self.addressed.setdefault(turn.conversation, Counter()).update(turn.addressed)
            if k and turn.scene != sieve.turns[k - 1].scene:
                shown = set()
            self.shown_before.append(frozenset(shown))
            shown |= turn.addressed
            for q in turn.quotes:
                verdict = sieve.verdicts.get(q)
                if verdict is not None and verdict.rule in _NAMING_RULES:
                    shown.add(verdict.speaker)

    def group(self, k: int) -> int:
        """How many people turn k's stretch of its conversation (within `_GROUP_TURNS`
        turns either side) shows taking part: tagged as speakers, or called by name."""
        turns = self.sieve.turns
        conversation = turns[k].conversation
        people: set[str] = set()
        for j in range(max(0, k - _GROUP_TURNS), min(len(turns), k + _GROUP_TURNS + 1)):
            if turns[j].conversation == conversation:
                people |= self.of_turn[j] | turns[j].addressed
        return len(people)

    def only_fitting(self, k: int, gender: Gender) -> str | None:
        """The one participant of turn k's conversation (tagged or addressed) of this
        gender, if there is exactly one."""
        conversation = self.sieve.turns[k].conversation
        if (conversation, gender) not in self._only:
            people = {*self.tagged.get(conversation, ()), *self.addressed.get(conversation, ())}
            people.discard(self.sieve.me or "")  # the narrator is "I", never "he"
            fitting = [p for p in people if self.sieve.cast.gender.get(p) == gender]
            self._only[conversation, gender] = fitting[0] if len(fitting) == 1 else None
        return self._only[conversation, gender]
