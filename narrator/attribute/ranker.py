"""A learned ranker over candidate speakers, with the sieve's findings as its evidence.

Each quotation's candidates and their features come from `features.Evidence`. A
conditional logit scores them: P(candidate) = softmax(w . features); each conversation's
turns are then decoded together. The weights are learned from the dev novels
by `tools/train_attribution.py` and shipped as `ranker.json`; no rule names a character, book
or phrase.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator.attribute.chain import Decision, Step, best_path, conditional, marginals, moves
from narrator.attribute.confidence import ConfidenceModel, decision_features
from narrator.attribute.features import Evidence
from narrator.attribute.trees import from_data, to_data
from narrator.attribute.turns import anchored
from narrator.model import UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Mapping

    from narrator.attribute.sieve import Sieve
    from narrator.model import Segment

WEIGHTS_FILE: Final = Path(__file__).with_name("ranker.json")


@dataclasses.dataclass(frozen=True, slots=True)
class Model:
    """Local feature weights, and transition weights between consecutive turns."""

    local: Mapping[str, float]
    transitions: Mapping[str, float]
    """"repeat" (the last speaker speaks again) and "alternate" (the one before that
    answers); someone new speaking is the baseline, 0."""
    trained_on: tuple[str, ...] = ()
    confidence: ConfidenceModel | None = None
    """How likely a decision is right, fitted on leave-one-novel-out predictions."""

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Model:
        data = json.loads(path.read_text(encoding="utf-8"))
        stored = data.get("confidence")
        confidence = (
            ConfidenceModel(
                float(stored["base"]),
                tuple(from_data(tree) for tree in stored["trees"]),
                float(stored["threshold"]),
            )
            if stored
            else None
        )
        return cls(
            dict(data["local"]),
            dict(data["transitions"]),
            tuple(data.get("trained_on", ())),
            confidence,
        )

    def save(self, path: Path) -> None:
        data: dict[str, object] = {
            "about": "Weights for narrator.attribute.ranker (local conditional logit and "
            "turn transitions) and its confidence model; made by tools/train_attribution.py from "
            "the PDNC dev novels in bench/eval.",
            "trained_on": list(self.trained_on),
            "transitions": dict(self.transitions),
        }
        if self.confidence is not None:
            data["confidence"] = {
                "threshold": self.confidence.threshold,
                "base": round(self.confidence.base, 5),
                "trees": [to_data(tree) for tree in self.confidence.trees],
            }
        data["local"] = {k: round(v, 5) for k, v in sorted(self.local.items())}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def score(weights: Mapping[str, float], features: Mapping[str, float]) -> float:
    """w . features."""
    return sum([weights.get(name, 0.0) * value for name, value in features.items()])


@functools.cache
def shipped_model() -> Model | None:
    """The ranker weights that come with narrator, if present."""
    return Model.load() if WEIGHTS_FILE.exists() else None


_BEAM: Final = 6
"""Candidates per turn kept for decoding a conversation."""
_OWN_MARGIN: Final = 1.0
"""A quote of a turn whose own evidence favours someone else over the turn's speaker by
this much (log-odds) keeps its own: `"...," Bill said to Madame Lecomte. She raised her
hand. "Oh, my God!"` (measured: 1.5 to 3 equally good, +0.1 point leave-one-out over
requiring that evidence to be 0.9 sure; later 1.0, 1.5 and 2.0 within 9 quotes of each other
out of 25254, so the lowest, which lets the clearest such evidence win)."""


def local_choices(evidence: Evidence, weights: Mapping[str, float], i: int) -> dict[str, float]:
    """Log-probabilities of quote i's candidates from its own evidence alone."""
    names = evidence.candidates(i)
    scores = {name: score(weights, evidence.features(i, name)) for name in names}
    if not scores:
        return {}
    top = max(scores.values())
    norm = top + math.log(sum(math.exp(v - top) for v in scores.values()))
    return {name: v - norm for name, v in scores.items()}


SEAMS: Final = ("adjacent", "tagged", "narrated", "apart")
"""How two consecutive turns of a conversation are joined: in paragraphs next to each
other with nothing but their quotes (a speaker almost never follows themself: 1% in the
dev novels), or with only a speech tag at the seam, or with narration at the seam (8-21%),
or with a paragraph of narration between them (26-44%)."""
LINKS: Final = (*SEAMS, *(f"{seam} in a group" for seam in SEAMS))
"""Each seam between two talking, or in a group, where the one before answers less surely
(the dev novels' weight for it: 2.2 against 4.6 for adjacent turns)."""
GROUP: Final = 3
"""Turns whose stretch of conversation shows this many people taking part are talk in a
group (measured, leave-one-novel-out: counting a whole conversation's people instead of a
stretch's, 21535 against 21558 of 25254 quotes right)."""


def link(evidence: Evidence, before: int, after: int) -> str:
    """How turn `after` follows turn `before` (see `LINKS`)."""
    group = evidence.people.group(after) >= GROUP
    return _seam(evidence.sieve, before, after) + (" in a group" if group else "")


def _seam(sieve: Sieve, before: int, after: int) -> str:
    """How turn `after` joins turn `before` (see `SEAMS`)."""
    first, second = sieve.turns[before], sieve.turns[after]
    if second.paragraph - first.paragraph > 1:
        return "apart"
    segments = sieve.segments
    last, opening = first.quotes[-1], second.quotes[0]
    tail = list(
        itertools.takewhile(
            lambda j: segments[j].paragraph == first.paragraph, range(last + 1, len(segments))
        )
    )
    head = list(
        itertools.takewhile(
            lambda j: segments[j].paragraph == second.paragraph, range(opening - 1, -1, -1)
        )
    )
    if (tail and not _only_a_tag(sieve, tail, last)) or (
        head and not _only_a_tag(sieve, head, opening)
    ):
        return "narrated"
    # A seam that is only a quote's own speech tag (`"Ten minutes," Sam repeated.`).
    return "tagged" if tail or head else "adjacent"


def _only_a_tag(sieve: Sieve, seam: list[int], quote: int) -> bool:
    """Whether the narration `seam` beside a quote is one sentence: its speech tag."""
    return len(seam) == 1 and any(tag.speech for tag in sieve.found_tags.get(quote, ()))


def local_scores(evidence: Evidence, weights: Mapping[str, float]) -> dict[int, dict[str, float]]:
    """Every quote's candidates with their local log-probabilities."""
    return {
        i: local_choices(evidence, weights, i)
        for i, seg in enumerate(evidence.sieve.segments)
        if seg.kind == "dialogue"
    }


def decode(
    evidence: Evidence,
    model: Model,
    local: Mapping[int, Mapping[str, float]] | None = None,
    fixed: Mapping[int, str] | None = None,
) -> dict[int, Decision]:
    """The most likely speakers of every conversation's turns taken together (a second-
    order Viterbi over turns: local evidence plus repeat/alternate transitions). `fixed`
    speakers (the user's corrections) are decided before decoding, and the turns around
    them decoded to fit."""
    sieve = evidence.sieve
    if local is None:
        local = local_scores(evidence, model.local)
    # What a strong explicit rule of the sieve decided stays decided, as an anchor; what
    # the user corrected, all the more.
    local = {
        i: ({v.speaker: 0.0} if (v := sieve.verdicts.get(i)) is not None and anchored(v) else s)
        for i, s in local.items()
    }
    for i, corrected in (fixed or {}).items():
        local[i] = {corrected: 0.0}
    out: dict[int, Decision] = {}
    conversations: dict[int, list[int]] = {}
    for k, turn in enumerate(sieve.turns):
        conversations.setdefault(turn.conversation, []).append(k)
    for turns in conversations.values():
        lead = [_lead(sieve.turns[k].quotes, local) for k in turns]
        options = [_best(local[q], _BEAM) if q is not None else [] for q in lead]
        links = [""] + [link(evidence, j, k) for j, k in itertools.pairwise(turns)]
        called = [frozenset[str]()] + [frozenset(sieve.turns[j].addressed) for j in turns[:-1]]
        steps = [
            Step(names, local[q] if q is not None else {}, how, calls)
            for names, q, how, calls in zip(options, lead, links, called, strict=True)
        ]
        chain = moves(steps, model.transitions)
        path, posterior = best_path(chain), marginals(chain)
        speakers = len({name for name in path if name is not None})
        for n, k in enumerate(turns):
            speaker = path[n]
            if speaker is None:
                continue
            before = (path[n - 2] if n >= 2 else None, path[n - 1] if n >= 1 else None)
            after = (
                path[n + 1] if n + 1 < len(path) else None,
                path[n + 2] if n + 2 < len(path) else None,
            )
            around = tuple(links[m] if m < len(links) else "" for m in (n, n + 1, n + 2))
            calls = tuple(
                called[m] if m < len(called) else frozenset[str]() for m in (n, n + 1, n + 2)
            )
            for i in sieve.turns[k].quotes:
                scores = local.get(i) or {}
                if not scores:
                    continue
                own = max(scores, key=scores.__getitem__)
                if (
                    i != lead[n]
                    and own != speaker
                    and scores[own] - scores.get(speaker, -math.inf) >= _OWN_MARGIN
                ):
                    out[i] = Decision(
                        own, math.exp(scores[own]), links[n], posterior[n].get(own, 0.0), speakers
                    )
                    continue
                probability = conditional(
                    scores, speaker, before, after, model.transitions, around, calls
                )
                out[i] = Decision(
                    speaker, probability, links[n], posterior[n].get(speaker, 0.0), speakers
                )
    return out


def _best(scores: Mapping[str, float], count: int) -> list[str]:
    """The `count` highest-scoring names."""
    return sorted(scores, key=lambda name: -scores[name])[:count]


def _lead(quotes: list[int], local: Mapping[int, Mapping[str, float]]) -> int | None:
    """The turn's quote with the surest evidence (it speaks for the turn)."""
    scored = [(max(local[q].values()), q) for q in quotes if local.get(q)]
    return max(scored)[1] if scored else None


def rerank(
    sieve: Sieve,
    segments: tuple[Segment, ...],
    model: Model,
    fixed: Mapping[int, str] | None = None,
) -> tuple[Segment, ...]:
    """The sieve's segments with every quote's speaker chosen by the ranker, and how sure
    that is (with the model's confidence, whether it is doubtful); `fixed` speakers
    decided in advance."""
    evidence = Evidence(sieve)
    local = local_scores(evidence, model.local)
    out = list(segments)
    for i, decision in decode(evidence, model, local, fixed).items():
        seg = segments[i]
        name = decision.speaker
        rule = seg.rule if seg.speaker == name and seg.rule else "ranker"
        confidence, doubtful = decision.probability, None
        if model.confidence is not None:
            features = decision_features(evidence, local.get(i, {}), i, decision)
            confidence = model.confidence(features)
            doubtful = confidence < model.confidence.threshold or name == UNKNOWN
        out[i] = dataclasses.replace(
            seg, speaker=name, rule=rule, confidence=round(confidence, 2), doubtful=doubtful
        )
    return tuple(out)
