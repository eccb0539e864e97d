"""A conversation as a chain of turns: each turn's speaker from its own evidence and from
how speakers follow one another (the last one resuming, the one before answering, one
called by name answering, or someone new).

`moves` lays the chain out once. `best_path` is the most likely speakers of all the turns
together (a second-order Viterbi). `marginals` is, for each turn, the probability of
each speaker summed over every path (forward-backward over the same chain): how sure a
turn is when the exchange could be read another way. In a long untagged exchange one
break in the alternation flips every turn after it; the best path alone looks just as
sure of each of them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

State = tuple[str | None, str | None]
"""The speakers of the turn before and of this turn (None: no one decided)."""


class Step(NamedTuple):
    """One turn of a conversation as the chain sees it."""

    names: list[str]
    """The candidates kept for the turn (none: the turn has no evidence to decode)."""
    scores: Mapping[str, float]
    """Their log-probabilities from the turn's own evidence."""
    link: str = ""
    """How the turn follows the one before (`ranker.LINKS`)."""
    called: frozenset[str] = frozenset()
    """Whom the turn before called by name."""


class Decision(NamedTuple):
    """A quote's decoded speaker, how sure the decoding is given its neighbours, and how
    its turn follows the one before ("" when it opens its conversation)."""

    speaker: str
    probability: float
    link: str = ""
    marginal: float = 0.0
    """The probability of the turn's speaker over every reading of the conversation."""
    speakers: int = 1
    """How many people speak in the conversation, as decoded."""


class _Weights(NamedTuple):
    """The transition weights of one kind of link (`transition`)."""

    repeat: float
    second: float
    """The last speaker resuming at the second turn of a conversation."""
    alternate: float
    answer: float


def _weights(t: Mapping[str, float], link: str) -> _Weights:
    repeat = t.get(f"repeat:{link}", t.get("repeat", 0.0))
    return _Weights(
        repeat,
        t.get(f"repeat:{link} second", repeat),
        t.get(f"alternate:{link}", t.get("alternate", 0.0)),
        t.get("answer", 0.0),
    )


def transition(
    t: Mapping[str, float],
    a: str | None,
    b: str | None,
    c: str,
    link: str = "",
    called: frozenset[str] = frozenset(),
) -> float:
    """The weight of `c` speaking after `a` then `b`, the turns `link`ed as they are: the
    same speaker resuming, the one before answering, one `called` by name in the turn
    before answering ("Break a leg, Sam." - "You too, Dev."), or someone new (0). When no
    one is known to have spoken before `b` (the second turn of a conversation), resuming
    has its own weight: there, anyone else is the one who answers."""
    return _transition(_weights(t, link), a, b, c, called)


def _transition(w: _Weights, a: str | None, b: str | None, c: str, called: frozenset[str]) -> float:
    if b is None:
        return 0.0
    if c == b:
        return w.second if a is None else w.repeat
    alternate = w.alternate if c == a else 0.0
    return max(w.answer, alternate) if c in called else alternate


def _moves(w: _Weights, state: State, step: Step) -> Iterator[tuple[State, float]]:
    """From `state`, each next state and what it adds: the speaker's own evidence and
    the transition to them (`w`: the weights of the step's link)."""
    a, b = state
    if not step.names:
        yield (b, None), 0.0
    for c in step.names:
        yield (b, c), step.scores.get(c, 0.0) + _transition(w, a, b, c, step.called)


Moves = list[dict[State, list[tuple[State, float]]]]
"""For each turn, from each state that can come before it, the states it leads to and
what each adds (found once, read by Viterbi forward and by forward-backward both ways)."""


def moves(steps: list[Step], t: Mapping[str, float]) -> Moves:
    """The chain of `steps` under transition weights `t`, as `Moves`."""
    out: Moves = []
    before: dict[State, None] = {(None, None): None}
    for step in steps:
        w = _weights(t, step.link)
        here = {state: list(_moves(w, state, step)) for state in before}
        out.append(here)
        before = {following: None for options in here.values() for following, _ in options}
    return out


def best_path(chain: Moves) -> list[str | None]:
    """The most likely speaker of each turn, all turns taken together."""
    layers: list[dict[State, tuple[float, State]]] = []
    previous: dict[State, float] = {(None, None): 0.0}
    for here in chain:
        layer: dict[State, tuple[float, State]] = {}
        for state, value in previous.items():
            for following, gain in here[state]:
                if following not in layer or value + gain > layer[following][0]:
                    layer[following] = (value + gain, state)
        layers.append(layer)
        previous = {state: value for state, (value, _) in layer.items()}
    if not layers:
        return []
    state = max(previous, key=previous.__getitem__)
    path: list[str | None] = []
    for layer in reversed(layers):
        path.append(state[1])
        state = layer[state][1]
    return path[::-1]


def marginals(chain: Moves) -> list[dict[str, float]]:
    """Each turn's probability of each of its speakers, over every path."""
    forward: list[dict[State, float]] = []
    previous: dict[State, float] = {(None, None): 0.0}
    for here in chain:
        reached: dict[State, list[float]] = {}
        for state, value in previous.items():
            for following, gain in here[state]:
                reached.setdefault(following, []).append(value + gain)
        previous = {state: _log_sum(values) for state, values in reached.items()}
        forward.append(previous)
    backward: list[dict[State, float]] = [{} for _ in chain]
    if chain:
        backward[-1] = dict.fromkeys(forward[-1], 0.0)
    for n in range(len(chain) - 2, -1, -1):
        after = backward[n + 1]
        backward[n] = {
            state: _log_sum([gain + after[following] for following, gain in chain[n + 1][state]])
            for state in forward[n]
        }
    out: list[dict[str, float]] = []
    for there, back in zip(forward, backward, strict=True):
        by_speaker: dict[str, list[float]] = {}
        for (b, c), value in there.items():
            if c is not None:
                by_speaker.setdefault(c, []).append(value + back[(b, c)])
        totals = {c: _log_sum(values) for c, values in by_speaker.items()}
        whole = _log_sum(list(totals.values())) if totals else 0.0
        out.append({c: math.exp(v - whole) for c, v in totals.items()})
    return out


def _log_sum(values: list[float]) -> float:
    """log(sum(exp(v))) without overflow."""
    top = max(values)
    return top + math.log(sum([math.exp(v - top) for v in values]))


def conditional(
    scores: Mapping[str, float],
    speaker: str,
    before: tuple[str | None, str | None],
    after: tuple[str | None, str | None],
    t: Mapping[str, float],
    links: tuple[str, ...] = ("", "", ""),
    called: tuple[frozenset[str], ...] = (frozenset(), frozenset(), frozenset()),
) -> float:
    """How sure a quote's decoded speaker is, given the decoded neighbours."""
    totals = {}
    w = [_weights(t, link) for link in links]
    for name, value in scores.items():
        v = value + (_transition(w[0], before[0], before[1], name, called[0]) if before[1] else 0.0)
        if after[0] is not None:
            v += _transition(w[1], before[1], name, after[0], called[1])
            if after[1] is not None:
                v += _transition(w[2], name, after[0], after[1], called[2])
        totals[name] = v
    top = max(totals.values())
    norm = sum(math.exp(v - top) for v in totals.values())
    return math.exp(totals.get(speaker, top) - top) / norm
