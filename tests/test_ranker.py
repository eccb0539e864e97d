"""The learned ranker: its decoding, its shipped weights, and what it does to a chapter."""

from __future__ import annotations

from pathlib import Path

from narrator.attribute.ranker import WEIGHTS_FILE, Model, _viterbi, shipped_model

ALTERNATE = Model(local={}, transitions={"repeat": -1.0, "alternate": 1.0})


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
    assert _viterbi(options, local, model, None, called) == ["Lena", "Dev", "Sam"]
    assert _viterbi(options, local, model) == ["Lena", "Dev", "Lena"]


def test_model_round_trips_through_its_file(tmp_path: Path) -> None:
    model = Model({"tag_names": 2.5, "log_prior": 0.25}, {"repeat": -1.0, "alternate": 0.5}, ("a",))
    model.save(tmp_path / "ranker.json")
    assert Model.load(tmp_path / "ranker.json") == model


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
