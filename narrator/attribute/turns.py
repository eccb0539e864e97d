"""Turn-taking: a conversation's turns given speakers from their neighbours.

A turn is the dialogue of one paragraph. After the per-quote rules, undecided turns take
the acting character beside them, then the speaker two turns back (A, B, ? -> A), then
the other party of whoever they address; what is still open falls back to the last other
speaker of the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable

    from narrator.model import Gender


ANCHOR_RULES: Final = frozenset(
    {
        "name-tag",
        "first-person-tag",
        "self-identification",
        "continuation",
        "outsider-tag",
        "caller-tag",
    }
)
ANCHOR_CONFIDENCE: Final = 0.85


def anchored(verdict: Verdict) -> bool:
    """A sieve verdict too sure to be second-guessed: a name, "I" or self-naming tag."""
    return verdict.rule in ANCHOR_RULES and verdict.confidence >= ANCHOR_CONFIDENCE


@dataclass(slots=True)
class Verdict:
    speaker: str
    rule: str
    confidence: float


@dataclass(slots=True)
class Turn:
    """The dialogue of one paragraph, and what the sieve has decided for it."""

    paragraph: int
    scene: int
    quotes: list[int] = field(default_factory=list)
    addressed: set[str] = field(default_factory=set)
    honoured: Gender | None = None
    """The sex of the one its dialogue calls sir or ma'am ("Yes, ma'am.")."""
    verdict: Verdict | None = None
    actor: Verdict | None = None
    """The acting character beside the quotes: likely, but weaker than turn-taking when
    it is also the one who spoke last."""
    conversation: int = 0
    """Turns of one conversation: same scene, at most one narration paragraph apart."""


def settle(turns: list[Turn], decide: Callable[[Turn, Verdict, str], None]) -> None:
    """Rules 5, 7 and 8 over the run of turns: actors, alternation, fallback. `decide`
    gives a turn its speaker."""
    progress = True
    accept_any_actor = False
    while progress:
        progress = False
        for k, turn in enumerate(turns):
            if turn.verdict is not None:
                continue
            before = _known(turns, k, k - 1)
            actor = turn.actor
            if actor is not None and (
                accept_any_actor
                or (before is None and not _in_conversation(turns, k, k - 1))
                or (before is not None and before != actor.speaker)
            ):
                decide(turn, actor, actor.rule)
                progress = True
                continue
            guess = _alternate(turns, k)
            if guess is not None:
                decide(turn, guess, guess.rule)
                progress = True
        if not progress and not accept_any_actor:
            # What is left: actors who also spoke just before (or whose neighbours
            # are unknown). Take them, then let alternation run again.
            accept_any_actor = progress = True
    for k, turn in enumerate(turns):
        if turn.verdict is None:
            before = _known(turns, k, k - 1)
            other = _partner(turns, k, before) if before else None
            if other is not None and other not in turn.addressed:
                decide(turn, Verdict(other, "fallback", 0.3), "fallback")


def _in_conversation(turns: list[Turn], k: int, j: int) -> bool:
    return 0 <= j < len(turns) and turns[j].conversation == turns[k].conversation


def _known(turns: list[Turn], k: int, j: int) -> str | None:
    """The speaker of turn j when it is decided and in turn k's conversation."""
    if not _in_conversation(turns, k, j):
        return None
    verdict = turns[j].verdict
    return verdict.speaker if verdict is not None else None


def _alternate(turns: list[Turn], k: int) -> Verdict | None:
    """A, B, ? -> A; also ? , B, A -> A. A quote addressing B is not B's."""
    turn = turns[k]
    for one, two in ((k - 1, k - 2), (k + 1, k + 2)):
        a, b = _known(turns, k, one), _known(turns, k, two)
        if a is not None and b is not None and a != b and b not in turn.addressed:
            return Verdict(b, "turn-taking", 0.6)
    # One neighbour known and addressed by this quote: the speaker is the other party.
    for one in (k - 1, k + 1):
        a = _known(turns, k, one)
        if a is not None and a in turn.addressed:
            partner = _partner(turns, k, a)
            if partner is not None:
                return Verdict(partner, "turn-taking", 0.5)
    return None


def _partner(turns: list[Turn], k: int, name: str) -> str | None:
    """The last other speaker in turn k's conversation before it."""
    for j in range(k - 1, -1, -1):
        if not _in_conversation(turns, k, j):
            break
        verdict = turns[j].verdict
        if verdict is not None and verdict.speaker != name:
            return verdict.speaker
    return None
