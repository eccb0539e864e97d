"""User corrections beside a chapter, and --min-confidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrator.attribute import apply_overrides, cautious
from narrator.cli import main
from narrator.config.corrections import corrections_path, load_corrections
from narrator.errors import ConfigError
from narrator.model import ChapterRef, Character, Override, Segment

CAST = (Character("Izzie", ("Iz",), "female"), Character("Alex", ("Karev",), "male"))


def _quote(index: int, text: str, speaker: str = "Alex", confidence: float = 0.9) -> Segment:
    return Segment(index, "dialogue", speaker, text, index * 10, index * 10 + 5, "x", confidence)


def test_corrections_file_sits_beside_the_chapter() -> None:
    assert corrections_path(ChapterRef(Path("chapters/chapter-01.txt"))) == Path(
        "chapters/chapter-01.speakers.yaml"
    )


def test_corrections_are_read_with_aliases_resolved(tmp_path: Path) -> None:
    path = tmp_path / "c.speakers.yaml"
    path.write_text(
        '- {quote: "\\u201cHey,\\u201d", speaker: iz, occurrence: 2}\n'
        "- quote: Not speech at all.\n  speaker: narrator\n",
        encoding="utf-8",
    )
    assert load_corrections(path, CAST) == (
        Override("Hey,", "Izzie", 2),
        Override("Not speech at all.", "narrator", 1),
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- {quote: Hi, speaker: Merdith}\n", "1: [0].speaker: 'Merdith' is not in the cast"),
        ("- {quote: Hi}\n", "1: [0]: missing 'speaker' (give quote and speaker)"),
        ("quote: Hi\n", "1: (top level): expected a list of corrections"),
        (
            "- {quote: Hi, speaker: Alex, occurence: 2}\n",
            "1: [0].occurence: unknown key (did you mean 'occurrence'?)",
        ),
    ],
)
def test_bad_corrections_name_their_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "c.speakers.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_corrections(path, CAST)
    assert str(caught.value).startswith(f"{path}:{message}")


def test_overrides_match_text_and_occurrence() -> None:
    segments = (_quote(0, "Hey,"), _quote(1, "Where?"), _quote(2, "Hey,"), _quote(3, "No."))
    fixed, unmatched = apply_overrides(
        segments,
        [Override("Hey,", "Izzie", 2), Override("No.", "narrator"), Override("Gone", "Alex")],
    )
    assert [(s.kind, s.speaker, s.rule) for s in fixed] == [
        ("dialogue", "Alex", "x"),
        ("dialogue", "Alex", "x"),
        ("dialogue", "Izzie", "override"),
        ("narration", "narrator", None),
    ]
    assert unmatched == [Override("Gone", "Alex")]


def test_min_confidence_gives_doubtful_quotes_to_unknown() -> None:
    segments = (_quote(0, "Sure.", confidence=0.95), _quote(1, "Maybe.", confidence=0.4))
    assert [s.speaker for s in cautious(segments, 0.5)] == ["Alex", "unknown"]


def test_script_applies_the_corrections_file(project: Path) -> None:
    (project / "chapters" / "chapter-01.speakers.yaml").write_text(
        '- {quote: "You should drink something,", speaker: Alex}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["script", "chapters/chapter-01.txt", "--json"])
    quote = next(
        s
        for s in json.loads(result.output)["segments"]
        if s["text"] == "You should drink something,"
    )
    assert (quote["speaker"], quote["rule"], quote["confidence"]) == ("Alex", "override", 1.0)


def test_script_min_confidence_option(project: Path) -> None:
    everything = CliRunner().invoke(main, ["script", "chapters/chapter-01.txt", "--json"])
    cautious_run = CliRunner().invoke(
        main, ["script", "chapters/chapter-01.txt", "--json", "--min-confidence", "0.99"]
    )
    before = [s for s in json.loads(everything.output)["segments"] if s["kind"] == "dialogue"]
    after = [s for s in json.loads(cautious_run.output)["segments"] if s["kind"] == "dialogue"]
    doubtful = [b for b in before if b["confidence"] < 0.99]
    assert doubtful, "the seed should have some quotes below 0.99"
    assert all(
        a["speaker"] == "unknown"
        for a, b in zip(after, before, strict=True)
        if b["confidence"] < 0.99
    )
    assert all(
        a["speaker"] == b["speaker"]
        for a, b in zip(after, before, strict=True)
        if b["confidence"] >= 0.99
    )
