"""The learned ranker: its decoding, its shipped weights, and what it does to a chapter."""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import pytest

from narrator.attribute.chain import Step, best_path, marginals, moves, transition
from narrator.attribute.confidence import ConfidenceModel
from narrator.attribute.ranker import SEAMS, WEIGHTS_FILE, Model, shipped_model
from narrator.attribute.trees import Split, log_odds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import boosting

ALTERNATE = Model(local={}, transitions={"repeat": -1.0, "alternate": 1.0})


def _viterbi(
    options: list[list[str]],
    local: list[dict[str, float]],
    model: Model,
    called: list[frozenset[str]] | None = None,
) -> list[str | None]:
    calls = called or [frozenset[str]()] * len(options)
    steps = [Step(o, s, "", c) for o, s, c in zip(options, local, calls, strict=True)]
    return best_path(moves(steps, model.transitions))


def test_decoding_follows_alternation_between_anchors() -> None:
    """A, ?, A, ? with weak local preferences: the gaps are the other party."""
    options = [["Alex"], ["Alex", "Izzie"], ["Alex"], ["Alex", "Izzie"]]
    local = [
        {"Alex": 0.0},
        {"Alex": -0.6, "Izzie": -0.8},
        {"Alex": 0.0},
        {"Alex": -0.6, "Izzie": -0.8},
    ]
    assert _viterbi(options, local, ALTERNATE) == ["Alex", "Izzie", "Alex", "Izzie"]


def test_strong_local_evidence_beats_alternation() -> None:
    options = [["Alex"], ["Alex", "Izzie"]]
    local = [{"Alex": 0.0}, {"Alex": -0.01, "Izzie": -5.0}]
    assert _viterbi(options, local, ALTERNATE) == ["Alex", "Alex"]


def test_the_one_called_by_name_answers_even_out_of_turn() -> None:
    """Lena, Dev ("Break a leg, Sam."), ?: Sam answers, though Lena spoke two turns ago."""
    model = Model(local={}, transitions={"alternate": 2.0, "answer": 3.0})
    options = [["Lena"], ["Dev"], ["Lena", "Sam"]]
    local = [{"Lena": 0.0}, {"Dev": 0.0}, {"Lena": -0.7, "Sam": -0.7}]
    called = [frozenset[str](), frozenset[str](), frozenset({"Sam"})]
    assert _viterbi(options, local, model, called) == ["Lena", "Dev", "Sam"]
    assert _viterbi(options, local, model) == ["Lena", "Dev", "Lena"]


def test_the_second_turn_of_a_conversation_has_its_own_weight_for_resuming() -> None:
    """`"Hello?" he whispers.` - `"Meredith here."`: no one spoke before him, so resuming
    is weighed as the second turn's own (anyone else would be new, not answering)."""
    t = {"repeat:tagged": 1.7, "alternate:tagged": 4.0, "repeat:tagged second": -0.7}
    assert transition(t, None, "Alex", "Alex", "tagged") == -0.7
    assert transition(t, "Meredith", "Alex", "Alex", "tagged") == 1.7
    assert transition(t, None, "Alex", "Meredith", "tagged") == 0.0
    assert transition(t, "Meredith", "Alex", "Meredith", "tagged") == 4.0


def _exchange(turns: int, closing: str) -> list[Step]:
    """Alex (tagged), then `turns` untagged turns either of two could speak, then a tagged
    `closing` speaker."""
    either = {"Alex": math.log(0.5), "Izzie": math.log(0.5)}
    middle = [Step(["Alex", "Izzie"], either) for _ in range(turns)]
    return [Step(["Alex"], {"Alex": 0.0}), *middle, Step([closing], {closing: 0.0})]


def test_marginals_doubt_an_exchange_whose_alternation_breaks_somewhere() -> None:
    """Alex, four untagged turns, Alex: strict alternation cannot hold, and where it breaks
    is anyone's guess; with three untagged turns it holds, and every turn is sure. The best
    path is as definite in both."""
    t = {"repeat": -2.0, "alternate": 2.0}
    clean = marginals(moves(_exchange(3, "Alex"), t))
    broken = marginals(moves(_exchange(4, "Alex"), t))
    assert [max(m.values()) for m in clean[1:-1]] == pytest.approx([0.96] * 3, abs=0.04)
    assert all(max(m.values()) < 0.75 for m in broken[1:-1])
    assert None not in best_path(moves(_exchange(4, "Alex"), t))


def test_marginals_are_the_share_of_every_path() -> None:
    """Forward-backward against enumerating every reading of a small conversation."""
    t = {"repeat": -1.0, "alternate": 0.7, "answer": 1.5}
    steps = [
        Step(["Alex", "Izzie"], {"Alex": -0.2, "Izzie": -1.7}),
        Step(["Izzie", "Alex", "Sam"], {"Izzie": -0.5, "Alex": -1.5, "Sam": -2.0}),
        Step([], {}),
        Step(["Sam", "Alex"], {"Sam": -0.9, "Alex": -0.5}, "", frozenset({"Sam"})),
    ]
    weight: dict[tuple[int, str], float] = {}
    for path in itertools.product(*[s.names or [None] for s in steps]):
        total, a, b = 0.0, None, None
        for step, c in zip(steps, path, strict=True):
            if c is not None:
                total += step.scores[c] + transition(t, a, b, c, step.link, step.called)
            a, b = b, c
        for n, c in enumerate(path):
            if c is not None:
                weight[n, c] = weight.get((n, c), 0.0) + math.exp(total)
    found = marginals(moves(steps, t))
    assert found[2] == {}
    for n, step in enumerate(steps):
        whole = sum(weight.get((n, c), 0.0) for c in step.names)
        for c in step.names:
            assert found[n][c] == pytest.approx(weight[n, c] / whole)


def test_model_round_trips_through_its_file(tmp_path: Path) -> None:
    tree = Split("margin", 0.25, -0.5, Split("rule=name-tag", 0.0, 0.125, 1.5))
    confidence = ConfidenceModel(1.25, (tree, 0.5), 0.75)
    model = Model(
        {"tag_names": 2.5, "log_prior": 0.25},
        {"repeat": -1.0, "alternate": 0.5},
        ("a",),
        confidence,
    )
    model.save(tmp_path / "ranker.json")
    assert Model.load(tmp_path / "ranker.json") == model


def test_trees_send_each_row_to_its_leaf() -> None:
    """A feature a row lacks is 0; at the split value a row goes low."""
    tree = Split("margin", 0.25, -0.5, Split("rule=name-tag", 0.0, 0.125, 1.5))
    assert log_odds(1.0, [tree], {}) == 0.5
    assert log_odds(1.0, [tree], {"margin": 0.25}) == 0.5
    assert log_odds(1.0, [tree], {"margin": 0.3}) == 1.125
    assert log_odds(1.0, [tree, 0.5], {"margin": 0.3, "rule=name-tag": 1.0}) == 3.0


def test_boosted_trees_learn_what_features_say_together() -> None:
    """Right when a pronoun tag comes with few candidates, or a name tag with any: a
    logistic model of the two features cannot say that, the trees do."""
    rows: list[tuple[dict[str, float], bool]] = []
    for candidates in range(1, 9):
        for tag in ("pronoun", "name"):
            for n in range(60):
                right = tag == "name" or candidates <= 2
                noisy = n % 10 == 0  # a tenth of each group the other way
                rows.append(({f"tag={tag}": 1.0, "candidates": float(candidates)}, right != noisy))
    base, trees = boosting.fit(rows)
    model = ConfidenceModel(base, tuple(trees), 0.5)
    assert model({"tag=pronoun": 1.0, "candidates": 2.0}) > 0.8
    assert model({"tag=pronoun": 1.0, "candidates": 7.0}) < 0.2
    assert model({"tag=name": 1.0, "candidates": 7.0}) > 0.8


def test_shipped_weights_are_there_and_sensible() -> None:
    model = shipped_model()
    assert model is not None, f"{WEIGHTS_FILE} is missing: run tools/train_attribution.py --write"
    assert len(model.trained_on) == 14
    # Confidence: fitted, with a threshold that marks some quotes and not most.
    assert model.confidence is not None
    assert 0.3 < model.confidence.threshold < 0.95
    # Being named by a speech tag must count for a candidate; being addressed, against.
    assert model.local["tag_names"] > 1.0
    assert model.local["addressed_here"] < 0.0
    # Answering is likelier than someone new; resuming is likelier across narration than
    # between adjacent bare quotes.
    assert model.transitions["alternate:adjacent"] > 0.0
    assert model.transitions["repeat:adjacent"] < model.transitions["repeat:apart"]
    # Someone called by name in the turn before is likelier than someone new to answer.
    assert model.transitions["answer"] > 0.0
    # Resuming at a conversation's second turn is weighed against anyone else answering,
    # not against one who spoke before: it is the less likely.
    assert model.transitions["repeat:tagged second"] < model.transitions["repeat:tagged"]
    # In a group the one before answers, but less surely than between two.
    for seam in SEAMS:
        grouped = model.transitions[f"alternate:{seam} in a group"]
        assert 0.0 < grouped < model.transitions[f"alternate:{seam}"]
    # The one whose thoughts the narration just told speaks next; a "she said" is
    # likelier the point-of-view character's.
    assert model.local["previous_paragraph_ends_with"] > 0.0
    assert model.local["tag_pronoun_pov"] > 0.0
