"""Segment: narration vs dialogue, spans, and the words of the story each in one segment."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from narrator.ingest import chapter_from_text, ingest
from narrator.model import Chapter, Segment
from narrator.segment import QUOTE_MARKS, segment

from .conftest import SEED


def _segments(text: str) -> tuple[Chapter, tuple[Segment, ...]]:
    chapter = chapter_from_text(text, Path("c.txt"))
    return chapter, segment(chapter)


def _dialogue(text: str) -> list[str]:
    return [s.text for s in _segments(text)[1] if s.kind == "dialogue"]


def test_straight_and_curly_quotes() -> None:
    assert _dialogue('"Hi," she said. \u201cBye.\u201d') == ["Hi,", "Bye."]


def test_apostrophes_are_not_quotes() -> None:
    text = "It's Alex's car, isn't it? The kids' toys were everywhere."
    assert _dialogue(text) == []


def test_stray_closing_mark_stays_narration_and_the_next_quote_is_found() -> None:
    text = (
        'She stares at a sign that reads \'Lucky\'s Diner". "Say, can I call you back?" Izzie asks.'
    )
    _, segments = _segments(text)
    assert [s.text for s in segments if s.kind == "dialogue"] == ["Say, can I call you back?"]
    narration = " ".join(s.text for s in segments if s.kind == "narration")
    assert "'Lucky's Diner\"." in narration


def test_multi_paragraph_speech_continues() -> None:
    text = '"First part of the speech.\n\n"Second part," he said.\n\nShe nodded.\n'
    _, segments = _segments(text)
    dialogue = [s for s in segments if s.kind == "dialogue"]
    assert [d.text for d in dialogue] == ["First part of the speech.", "Second part,"]
    assert [d.continues for d in dialogue] == [False, True]


def test_a_mark_opening_inside_an_open_quote_starts_a_new_one() -> None:
    assert _dialogue('"Hello, she said. "How are you?"') == ["Hello, she said.", "How are you?"]


def test_narration_is_split_into_sentences() -> None:
    _, segments = _segments("Dr. Karev left. Mr. Smith stayed.")
    assert [s.text for s in segments] == ["Dr. Karev left.", "Mr. Smith stayed."]


def test_seed_has_every_quote_and_no_other() -> None:
    chapter = ingest(SEED)
    dialogue = [s for s in segment(chapter) if s.kind == "dialogue"]
    assert len(dialogue) == 46
    assert dialogue[0].text == "You should drink something,"
    assert dialogue[-1].text == "To Iowa. Come with me,"


def _check_segments(chapter: Chapter, segments: tuple[Segment, ...]) -> None:
    """Order, bounds, no overlap, text matches the span, and coverage of the story."""
    text = chapter.text
    previous_end = 0
    for index, seg in enumerate(segments):
        assert seg.index == index
        assert 0 <= previous_end <= seg.start < seg.end <= len(text)
        assert text[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip()
        previous_end = seg.end
    covered = [False] * len(text)
    for seg in segments:
        for i in range(seg.start, seg.end):
            covered[i] = True
    for paragraph in chapter.paragraphs:
        for i in range(paragraph.start, paragraph.end):
            char = text[i]
            if not covered[i]:
                assert char.isspace() or char in QUOTE_MARKS, (i, text[i - 20 : i + 20])


def test_seed_every_word_is_in_exactly_one_segment() -> None:
    chapter = ingest(SEED)
    segments = segment(chapter)
    _check_segments(chapter, segments)
    story = " ".join(chapter.text[p.start : p.end] for p in chapter.paragraphs)
    words_in_story = re.findall(r"[\w'’]+", story)
    words_in_segments = [w for s in segments for w in re.findall(r"[\w'’]+", s.text)]
    assert words_in_segments == words_in_story


_PIECES = st.sampled_from(
    ['"', "\u201c", "\u201d", "'", "\u2019", " ", "\n", "\n\n", "Hi", "she said", ",", ".", "?",
     "Mr.", "\u2026", "\u2014", "don't", "é", "\r\n", "* * *", "Summary:", "\t"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_segments_hold_for_any_text(text: str) -> None:
    chapter = chapter_from_text(text.replace("\r\n", "\n"), Path("c.txt"))
    _check_segments(chapter, segment(chapter))
