"""Confidence that means something: how likely each attribution is to be right.

The ranker's decoded probability alone over-promises (its confidence bins were 11 points
apart from their accuracy on unseen novels). So the confidence of a quote's speaker
comes from a model of how that speaker was decided: the decoded probability given its
neighbours, its probability over every reading of the conversation (the chain's
marginal: a long untagged exchange could be read with the alternation flipped), how many
people speak in the conversation, the local probability and the margin to the next
candidate, whether the quote's own evidence agrees with its turn's and with the sieve's
rules, the rule that fired (a name tag, a pronoun, turn-taking, nothing), how the turn
follows the one before, how many candidates there were, and the chosen speaker's own
evidence (how lately named, whether in the scene, tagged in the conversation...).

The model is boosted decision trees (`trees.py`): the same features in a logistic model
left the errors less well sorted (at a quarter of quotes marked, 72% of errors against
74%): trees can let what one feature says depend on others (how much a pronoun tag is
worth, say, on how many people are talking). It is fitted on leave-one-novel-out predictions
only (`tools/train_attribution.py`), so it knows how often decisions made like this one
were right in books the ranker had not seen. Quotes below `threshold` are marked
doubtful (`?`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narrator.attribute.trees import Node, log_odds
from narrator.attribute.turns import anchored

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from narrator.attribute.chain import Decision
    from narrator.attribute.features import Evidence


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    """Boosted trees over decision features, and the `?` threshold."""

    base: float
    """The log-odds of being right before any tree."""
    trees: tuple[Node, ...]
    threshold: float
    """Confidence below which a quote is marked doubtful."""

    def __call__(self, features: Mapping[str, float]) -> float:
        """The probability that the decision these features describe is right."""
        z = log_odds(self.base, self.trees, features)
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def decision_features(
    evidence: Evidence, local: Mapping[str, float], i: int, decision: Decision
) -> dict[str, float]:
    """How quote i's speaker was decided (see the module's docstring)."""
    sieve = evidence.sieve
    speaker = decision.speaker
    ranked = [*sorted((math.exp(v) for v in local.values()), reverse=True), 0.0, 0.0]
    verdict = sieve.verdicts.get(i)
    k = sieve.turn_of.get(i)
    f = {
        "p": decision.probability,
        "logit_p": _logit(decision.probability),
        "marginal": decision.marginal,
        "logit_marginal": _logit(decision.marginal),
        "log_speakers": math.log(max(decision.speakers, 1)),
        "three_speakers": float(decision.speakers >= 3),
        "own": math.exp(local.get(speaker, -30.0)),
        "top": ranked[0],
        "margin": ranked[0] - ranked[1],
        "agree": float(bool(local) and max(local, key=local.__getitem__) == speaker),
        "log_candidates": math.log1p(len(local)),
        "anchored": float(verdict is not None and anchored(verdict)),
        f"rule={verdict.rule if verdict else 'none'}": 1.0,
        f"link={decision.link or 'start'}": 1.0,
        "lead": float(k is not None and sieve.turns[k].quotes[0] == i),
        "sieve_agrees": float(verdict is not None and verdict.speaker == speaker),
    }
    if speaker in local:
        for name, value in evidence.features(i, speaker).items():
            f[f"speaker:{name}"] = value
    return f


def _logit(p: float) -> float:
    clipped = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(clipped / (1 - clipped))


def reliability(
    pairs: Sequence[tuple[float, bool]], bins: int = 10
) -> list[tuple[float, float, int, float]]:
    """(low edge, high edge, count, share right) per confidence bin, for a reliability
    table; `pairs` are (confidence, right?)."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [ok for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        share = sum(inside) / len(inside) if inside else 0.0
        table.append((low, high, len(inside), share))
    return table


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float:
    """The count-weighted mean gap between confidence and share right, over bins."""
    total = len(pairs)
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if inside:
            mean = sum(c for c, _ in inside) / len(inside)
            share = sum(ok for _, ok in inside) / len(inside)
            error += len(inside) / total * abs(mean - share)
    return error


UNMARKED_ACCURACY = 0.95
"""Quotes not marked `?` should be right at least this often ..."""
MAX_MARKED_SHARE = 0.25
"""... unless that would mark more than this share of quotes, where `?` stops pointing
at anything in particular: then the threshold marks this share, the least sure."""


def choose_threshold(pairs: Sequence[tuple[float, bool]]) -> float:
    """The `?` threshold for (confidence, right?) pairs: the lowest confidence above
    which quotes are right `UNMARKED_ACCURACY` of the time, capped so at most
    `MAX_MARKED_SHARE` of quotes are marked."""
    scored = sorted(pairs, reverse=True)
    if not scored:
        return 0.5
    right = 0
    promise = 1.0
    for count, (confidence, ok) in enumerate(scored, start=1):
        right += ok
        if right / count >= UNMARKED_ACCURACY:
            promise = confidence
    cap = scored[min(len(scored) - 1, int((1 - MAX_MARKED_SHARE) * len(scored)))][0]
    return round(min(promise, cap), 4)
