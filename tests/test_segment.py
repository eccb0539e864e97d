"""Segment: narration vs dialogue, spans, and the words of the story each in one segment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from narrator.attribute import attribute
from narrator.model import Chapter, Character, Segment
from narrator.text.ingest import chapter_from_text, ingest
from narrator.text.segment import segment

from .conftest import SEED
from .test_properties import check_segments


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


def test_a_title_does_not_end_a_sentence_before_a_name_that_is_also_a_word() -> None:
    # Punkt alone ends a sentence after "Mr." when the next word is one it has seen in
    # lower case ("eager", "young"); the tag would then lose its name.
    _, segments = _segments(
        '"Victory at last!" said Mr. Eager, smiling. Then Mrs. Young left. He went out.'
    )
    assert [s.text for s in segments if s.kind == "narration"] == [
        "said Mr. Eager, smiling.",
        "Then Mrs. Young left.",
        "He went out.",
    ]


def test_seed_has_every_quote_and_no_other() -> None:
    chapter = ingest(SEED)
    dialogue = [s for s in segment(chapter) if s.kind == "dialogue"]
    assert len(dialogue) == 46
    assert dialogue[0].text == "You should drink something,"
    assert dialogue[-1].text == "To Iowa. Come with me,"


def test_seed_every_word_is_in_exactly_one_segment() -> None:
    chapter = ingest(SEED)
    segments = segment(chapter)
    check_segments(chapter, segments)
    story = " ".join(chapter.text[p.start : p.end] for p in chapter.paragraphs)
    words_in_story = re.findall(r"[\w'’]+", story)
    words_in_segments = [w for s in segments for w in re.findall(r"[\w'’]+", s.text)]
    assert words_in_segments == words_in_story


def test_single_quoted_text_is_read_in_its_own_style() -> None:
    text = (
        "'I don't know,' said Anne. 'It's the girls' idea, not mine.'\n\n"
        "'Tis true, and 'em lot agree. 'Well,' he said, 'we'll see.'\n\n"
        "'Are you sure?' she asked.\n\n'Quite sure.'\n"
    )
    assert _dialogue(text) == [
        "I don't know,",
        "It's the girls' idea, not mine.",
        "Well,",
        "we'll see.",
        "Are you sure?",
        "Quite sure.",
    ]


def test_a_double_quoted_text_keeps_single_quotes_inside_speech() -> None:
    assert _dialogue("\"He said 'go away' to me,\" she said. 'Twas odd.") == [
        "He said 'go away' to me,"
    ]


def test_a_quote_inside_a_quote_with_the_same_marks() -> None:
    text = '"I tried to say "How doth the little bee," but it came out wrong!" Alice said.'
    assert _dialogue(text) == ['I tried to say "How doth the little bee," but it came out wrong!']


def test_quoted_names_titles_and_labels_are_narration() -> None:
    text = (
        'She took a jar labelled "ORANGE MARMALADE" from the shelf. '
        'He bought Giotto\'s "Ascension" and a print.\n\n'
        'Alice said to herself "That\'s quite enough!" and sat down.'
    )
    assert _dialogue(text) == ["That's quite enough!"]


def test_a_term_run_into_the_narrators_sentence_is_narration() -> None:
    """Scare quotes and words someone uses begin in lower case, where speech begins a
    sentence: `thought "provincial" to put`, `spoke of it as "handsome."`; a word said
    right after its speech verb is still speech."""
    text = (
        'It was beginning to be thought "provincial" to dine early. He spoke of it as '
        '"handsome." She pleaded that she was "a foreigner." The aunts said "No" to '
        'everything.\n\nHe answered "yes" and left.\n\n"And what is the use of a book," '
        'thought Alice "without pictures?"\n'
    )
    assert _dialogue(text) == [
        "No", "yes", "And what is the use of a book,", "without pictures?"
    ]  # fmt: skip


def test_a_quote_that_calls_something_by_a_name_is_narration() -> None:
    text = (
        'He read a novel called "Middlemarch" on the train. She called him "child" in a '
        'pretty way, and wore what was then called a "Josephine look."\n\n'
        'At the gate he called "Rachael!" and she turned. Then she called out "Wait for me" '
        "and ran.\n"
    )
    assert _dialogue(text) == ["Rachael!", "Wait for me"]


@pytest.mark.parametrize(
    "text",
    [
        'She looked around as much as to say, "Are you all like this?"',
        'Instead of saying, "Does that matter?" he rebelled.',
        'It read: "Stopped night San Sebastian."',
        '"Prizes! Prizes!" they all cried.',
        '"So you did, old fellow!" said the others.',
        'Her eyes said: "You see why Mamma brought me."',
        '"You see," her attitude expressed, "how little I care."',
        '"Mademoiselle," the document ran, "certain circumstances compel me."',
        'The theory ran: "All natives are criminals at heart."',
        '"Boum" is the sound as far as one can tell.',
        '"The purdah must go," was their burden.',
        'Some others said, "I did not think it of him."',
        '"Any doubt?" almost shrieked the rest.',
        'He was wont to say that "now his sister was up in the world."',
        'He felt like answering: "I was, till I saw you again."',
        'It was on the tip of his tongue to reply: "Don\'t be seen with him."',
        'It was on his lips to exclaim: "My poor child!"',
        'How could he say: "Yes, if what your husband hints is true"?',
    ],
)
def test_imagined_written_and_chorus_lines_are_narration(text: str) -> None:
    assert _dialogue(text) == []


def test_a_look_beside_a_speaker_does_not_silence_them() -> None:
    text = (
        'Aziz after another silence said, "Why are you not married?"\n\n'
        'She glanced at him with laughing eyes and said: "What do you think of me?"\n'
    )
    assert _dialogue(text) == ["Why are you not married?", "What do you think of me?"]


def test_a_quoted_title_in_capitals_under_a_chapter_number_is_narration() -> None:
    text = 'XII\n\n"ALL THE WORLD\'S A STAGE"\n\nKitty came in.\n\n"HELP!"\n'
    assert _dialogue(text) == ["HELP!"]


def test_a_letter_in_quoted_paragraphs_is_narration() -> None:
    text = (
        'Lucy replied as follows:\n\n"Beauchamp Mansions, S.W."\n\n"Dear Charlotte,"\n\n'
        '"Many thanks for your warning."\n\n"Yours affectionately,"\n\n"L. M. Honeychurch."\n\n'
        '"Well?" said her mother.\n'
    )
    assert _dialogue(text) == ["Well?"]


def test_verse_and_indented_letters_are_narration() -> None:
    prose = (
        "It was a dark and stormy night, and the rain fell in torrents, except at\n"
        "occasional intervals when it was checked by a violent gust of wind which\n"
        "swept up the streets, rattling along the housetops and fiercely agitating.\n\n"
    )
    verse = (
        '"How doth the little crocodile\n    Improve his shining tail,\nAnd pour the waters"\n\n'
    )
    letter = '     "My dear Friend,\n     I shall come on Monday next."\n\n'
    said = '"Hello there," she said to the old man who was sitting by the fire all day.\n'
    assert _dialogue(prose + verse + letter + said) == ["Hello there,"]


def test_interrupted_speech() -> None:
    text = '"I\u2014" she began. "\u2014don\'t know," she finished. "But\u2014" "No buts!"'
    assert _dialogue(text) == ["I\u2014", "\u2014don't know,", "But\u2014", "No buts!"]


DASH_TEXT = """Maria stood at the door of the kitchen, her coat still on.

\u2014Where are you going? asked Maria.

\u2014Home, he said. I am tired of this town.

\u2014Why? \u2014she insisted\u2014. Tell me why.

\u2014Because, Stephen said quietly, nobody here knows me.

-- You'll be back, she called after him, looking away.

\u2014Never."""


def test_dash_dialogue_is_found_per_text() -> None:
    chapter = chapter_from_text(DASH_TEXT, Path("d.txt"))
    segments = segment(chapter)
    check_segments(chapter, segments, marks="\u2014-")  # the dashes are its quote marks
    found = [(s.kind, s.text) for s in segments]
    assert found == [
        ("narration", "Maria stood at the door of the kitchen, her coat still on."),
        ("dialogue", "Where are you going?"),
        ("narration", "asked Maria."),
        ("dialogue", "Home,"),
        ("narration", "he said."),
        ("dialogue", "I am tired of this town."),
        ("dialogue", "Why?"),
        ("narration", "she insisted\u2014."),
        ("dialogue", "Tell me why."),
        ("dialogue", "Because,"),
        ("narration", "Stephen said quietly,"),
        ("dialogue", "nobody here knows me."),
        ("dialogue", "You'll be back,"),
        ("narration", "she called after him, looking away."),
        ("dialogue", "Never."),
    ]


def test_a_few_dashes_in_a_quoted_text_do_not_make_it_dash_dialogue() -> None:
    text = (
        '\u2014and so it went.\n\n"Hello," she said.\n\n"Hi," he said.\n\n'
        '"Well," she said.\n\n"Well," he said.\n\n\u2014Then silence.'
    )
    kinds = [s.kind for s in segment(chapter_from_text(text, Path("q.txt")))]
    assert kinds.count("dialogue") == 4
    assert kinds[0] == "narration"


def test_dash_dialogue_is_attributed_by_its_tags() -> None:
    cast = (Character("Maria", (), "female"), Character("Stephen", (), "male"))
    chapter = chapter_from_text(DASH_TEXT, Path("d.txt"))
    spoken = [
        (s.text, s.speaker) for s in attribute(segment(chapter), cast) if s.kind == "dialogue"
    ]
    assert spoken[0] == ("Where are you going?", "Maria")
    assert dict(spoken)["nobody here knows me."] == "Stephen"
