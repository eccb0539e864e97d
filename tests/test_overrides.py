"""User corrections beside a chapter, and --min-confidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrator.attribute import cautious, match_corrections, not_speech, quote_key
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


def test_corrections_match_words_and_occurrence() -> None:
    segments = (_quote(0, "Hey,"), _quote(1, "Where?"), _quote(2, "Hey,"), _quote(3, "No."))
    matched, unmatched = match_corrections(
        segments,
        [Override("Hey,", "Izzie", 2), Override("No.", "narrator"), Override("Gone", "Alex")],
    )
    assert {i: c.speaker for i, c in matched.items()} == {2: "Izzie", 3: "narrator"}
    assert [u.correction for u in unmatched] == [Override("Gone", "Alex")]
    assert [s.kind for s in not_speech(segments, {3})] == ["dialogue"] * 3 + ["narration"]


def test_a_correction_typed_with_straight_quotes_matches_curly_text() -> None:
    segments = (_quote(0, "I\u2019m fine \u2014 really\u2026"), _quote(1, "Sure."))
    matched, unmatched = match_corrections(segments, [Override("I'm fine - really...", "Izzie")])
    assert list(matched) == [0]
    assert unmatched == []
    assert quote_key("\u201cI\u2019m\n  here,\u201d") == quote_key('"I\'m here,"')


def test_a_correction_that_matches_nothing_names_the_closest_quote() -> None:
    segments = (_quote(0, "You should drink something,"), _quote(1, "I'm fine,"))
    _, [miss] = match_corrections(segments, [Override("You should drink somthing", "Alex")])
    assert miss.closest == "You should drink something,"


EXCHANGE = """Izzie and Alex sit in the car outside the diner. The rain keeps on.

"You came," Izzie says.

"Where else would I go?"

"Home."

"There's nobody there."

"There's me."

"Since when?"

"Since always."

"You never said."

"You never asked."
"""


def test_one_correction_fixes_the_rest_of_an_untagged_exchange(project: Path) -> None:
    (project / "chapters" / "chapter-01.txt").write_text(EXCHANGE, encoding="utf-8")

    def speakers() -> tuple[list[str], dict[str, int]]:
        result = CliRunner().invoke(main, ["script", "chapters/chapter-01.txt", "--json"])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        said = [s["speaker"] for s in document["segments"] if s["kind"] == "dialogue"]
        return said, document.get("corrections", {})

    before, _ = speakers()
    assert before[0] == "Izzie"  # tagged; the rest is untagged alternation
    # The reader knows better: the second line is Izzie's too (she goes on), so every
    # later line swaps. One correction, typed with a keyboard apostrophe-free quote.
    (project / "chapters" / "chapter-01.speakers.yaml").write_text(
        '- {quote: "Where else would I go?", speaker: Izzie}\n', encoding="utf-8"
    )
    after, corrections = speakers()
    assert after[:2] == ["Izzie", "Izzie"]
    assert after[2:] == ["Alex" if n % 2 == 0 else "Izzie" for n in range(len(after) - 2)]
    assert corrections == {"applied": 1, "changed": len(after) - 2, "unmatched": 0}


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
