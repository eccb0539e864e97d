"""Speech tags read by English word order, on the kinds of tag real books use."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrator.attribute.first_person import first_person_narrator
from narrator.attribute.names import NameIndex
from narrator.attribute.speech_tags import TagReader
from narrator.attribute.tag import Tag
from narrator.model import Character
from narrator.text.ingest import chapter_from_text
from narrator.text.segment import segment

CAST = (
    Character("Izzie", ("Iz",), "female"),
    Character("Alex", ("Karev",), "male"),
    Character("Mrs. Rachel Lynde", ("Mrs. Rachel", "Rachel Lynde"), "female"),
    Character("Mr. Bounderby", (), "male"),
    Character("Marilla", (), "female"),
    Character("Charlotte", (), "female"),
    Character("Robert Cohn", ("Cohn",), "male"),
    Character("The Mouse", ("Mouse",), "unknown"),
    Character("Miss Bingley", (), "female"),
    Character("Diana", (), "female"),
    Character("Anne", (), "female"),
    Character("The Dodo", ("Dodo",), "unknown"),
    Character("Miss Bartlett", (), "female"),
    Character("The Drummer", (), "male"),
    Character("An Old Man", (), "male"),
    Character("Count Mippipopolous", (), "male"),
    Character("Colonel Brandon", (), "male"),
    Character("Colonel Fitzwilliam", (), "male"),
)
READER = TagReader(NameIndex(CAST))


def name(character: str, **fields: object) -> Tag:
    return Tag("name", character, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("said Izzie.", name("Izzie")),
        ("Izzie said quietly.", name("Izzie")),
        ("exclaimed the horrified Mrs. Rachel.", name("Mrs. Rachel Lynde")),
        ("Mr.\nBounderby put in, after a pause.", name("Mr. Bounderby")),
        ("was Marilla's comment.", name("Marilla")),
        (
            "she said to Charlotte.",
            Tag("pronoun", gender="female", listeners=frozenset({"Charlotte"})),
        ),
        ("said the young man.", Tag("description", gender="male", role="youth")),
        # A cast member whose name is a description: the tag names them.
        # A description the cast uses for a name names that character.
        ("said the old man.", Tag("name", "An Old Man")),
        ("the drummer shouted.", Tag("name", "The Drummer")),
        # The cast's one Count is "the count"; of two colonels, "the colonel" is neither.
        ("said the count.", Tag("name", "Count Mippipopolous")),
        ("said the colonel.", Tag("description")),
        ("I said.", Tag("first-person")),
        ("Alex looks at her.", Tag("name", "Alex", speech=False)),
        # A titled name acting: the verb is looked for after the whole name.
        ("Mr. Bounderby checked his watch.", Tag("name", "Mr. Bounderby", speech=False)),
    ],
)
def test_tag_after_a_quote(text: str, tag: Tag) -> None:
    assert READER.after(text) == tag


@pytest.mark.parametrize(
    "text",
    [
        "The Mouse did not answer, so Alice went on.",  # negated: not a tag
        "The Mouse didn\u2019t answer.",
        "and a Canary called out in a trembling voice.",  # a new clause
        "For at last the Mouse was talking about what he knew.",  # "for": because
    ],
)
def test_not_a_tag_after_a_quote(text: str) -> None:
    tag = READER.after(text)
    assert tag is None or tag.character != "The Mouse"


@pytest.mark.parametrize(
    "text",
    [
        "The young man admitted that he was not in business.",
        "Alex answered that Izzie had been right all along.",
        "Izzie said that it was late.",
    ],
)
def test_speech_reported_after_a_quote_is_not_its_tag(text: str) -> None:
    """A speech verb with a that-clause reports what someone said in answer: it names
    the listener of the quote before, not its speaker."""
    assert READER.after(text) is None


@pytest.mark.parametrize(
    "text", ["I could feel her crying as I held her close.", "I heard him calling from the hall."]
)
def test_a_verb_after_her_or_him_is_not_the_subjects_speech(text: str) -> None:
    """ "her crying", "him calling": what someone else does, not the narrator speaking."""
    tag = READER.after(text)
    assert tag is None or not tag.speech


def test_said_that_before_a_name_is_still_read_as_a_tag() -> None:
    """A "that" before a noun is a determiner, not a reported clause."""
    tag = READER.after("said that old man.")
    assert tag is not None
    assert tag.character == "An Old Man"


@pytest.mark.parametrize(
    ("text", "character"),
    [
        ("The music started and Robert Cohn said:", "Robert Cohn"),
        ("At last the Mouse, who seemed to be a person of authority, called out,", "The Mouse"),
        ("He was thinking of her, when thus accosted by Miss Bingley,", "Miss Bingley"),
        ("Diana, going to the gable, where Anne was standing at her window, said gently:", "Diana"),
        ("Alex, who felt responsible for her in the absence of Izzie, ventured to say:", "Alex"),
        ("Alex, who did not dislike Izzie, replied:", "Alex"),  # Izzie is inside the aside
        # No comma: the verb runs straight into the quote.
        ("the Dodo suddenly called out ", "The Dodo"),
        ("Then Miss Bartlett said ", "Miss Bartlett"),
        ("Charlotte saw what he was doing, turned to him with a smile, and said,", "Charlotte"),
        # A clause with no comma after its "that" is where the verb is.
        ("Izzie showed such signs of floundering that Diana collected herself and asked:", "Diana"),
        ("so that Marilla could not help\nexclaiming:", "Marilla"),
        # "evening" is no verb whose object the name would be.
        ("but one evening, Diana, accidentally taking up a volume, exclaimed,", "Diana"),
        # An irregular verb after the subject (`bent`), in the clause before "and said".
        ("Seeing that her thoughts were elsewhere, Alex bent towards Izzie and\nsaid:", "Alex"),
        # An aside after the subject, in a clause after "that".
        ("She was so earnest, that Alex, shocked by what dawned upon him, said:", "Alex"),
        # A two-word adverb between subject and verb.
        ("and Diana at once explained the strange fact by saying:", "Diana"),
        # What she said is her words, not a tag: the tag is the verb before.
        (" Alex cried, after hearing what she said ", "Alex"),
        # The tag the narration opens with, not the verb of a clause hanging on it...
        (" Izzie burst out, as if he had interrupted her thoughts, ", "Izzie"),
        # ...but a participle with no subject of its own is no tag.
        ("Speaking in Spanish, that the children might understand, Alex said:", "Alex"),
        (" speaking quickly as Alex returned to his seat, ", "Alex"),
        ("And Izzie spoke so seriously that it hurt, and Alex, lifting his eyes, said:", "Alex"),
        # A split quote's tag before a semicolon leads into its second part.
        (" said Marilla, drily; ", "Marilla"),
        # "who" stands for the one named just before it.
        (" She shot a glance at Robert Cohn, who said: ", "Robert Cohn"),
    ],
)
def test_tag_before_a_quote(text: str, character: str) -> None:
    tag = READER.before(text)
    assert tag is not None
    assert (tag.kind, tag.character, tag.speech) == ("name", character, True)


def test_first_person_narrator_is_found_from_the_text() -> None:
    story = "\n\n".join(
        [
            'I walked in and I sat down. My coffee was cold. "Hello, Jake," said Bill. "Hi, Bill," I said.'
        ]
        * 8
    )
    cast = NameIndex((Character("Jake", (), "male"), Character("Bill", (), "male")))
    chapter = chapter_from_text(story, Path("c.txt"))
    assert first_person_narrator(segment(chapter), cast) == "Jake"
    third = story.replace("I walked in and I sat down. My", "He walked in and he sat down. His")
    third = third.replace('" I said', '" said Jake')
    chapter = chapter_from_text(third, Path("c.txt"))
    assert first_person_narrator(segment(chapter), cast) is None


@pytest.mark.parametrize(
    ("text", "possessor", "role"),
    [
        ("cried her mother.", "female", "matron"),
        ("said his wife.", "male", "matron"),
        ("said the girl.", None, "maiden"),
        ("said the old lady.", None, "matron"),
        ("said her host.", "female", None),
    ],
)
def test_descriptions_carry_their_possessor_and_standing(
    text: str, possessor: str | None, role: str | None
) -> None:
    tag = READER.after(text)
    assert tag is not None
    assert (tag.kind, tag.possessor, tag.role) == ("description", possessor, role)


@pytest.mark.parametrize(
    ("text", "possessor", "role"),
    [
        ("her mother said:", "female", "matron"),
        ("and her mother, with sudden tenderness, said:", "female", "matron"),
        ("His wife, smiling, asked:", "male", "matron"),
    ],
)
def test_a_description_before_the_quote_keeps_its_possessor_and_standing(
    text: str, possessor: str, role: str
) -> None:
    tag = READER.before(text)
    assert tag is not None
    assert (tag.kind, tag.possessor, tag.role, tag.speech) == ("description", possessor, role, True)


def test_whom_a_description_speaks_to_is_no_subject() -> None:
    """`said her mother to Anne`: her mother speaks, to Anne."""
    tag = READER.after(" said her mother to Anne.")
    assert tag is not None
    assert (tag.kind, tag.possessor, tag.listeners) == ("description", "female", {"Anne"})
    assert READER.after(" said the voice of Miss Bartlett.") == name("Miss Bartlett", speech=True)
    assert READER.after(" said he to Anne.") == Tag(
        "pronoun", gender="male", speech=True, listeners=frozenset({"Anne"})
    )


@pytest.mark.parametrize(
    ("text", "character"),
    [
        (" blustered Mr. Bounderby.", "Mr. Bounderby"),
        (" Diana hazarded.", "Diana"),
        (" yawned Marilla, who was tired after her walk.", "Marilla"),
        (" were Miss Bingley's words, and these objections", "Miss Bingley"),
        (" quavered Marilla.", "Marilla"),
        (" chattered Anne.", "Anne"),
        (" enunciated Miss Bartlett.", "Miss Bartlett"),
        (" Diana implored.", "Diana"),
        (" Mr. Bounderby reflected.", "Mr. Bounderby"),
        (" the Mouse acquiesced.", "The Mouse"),
        (" Diana broke off.", "Diana"),
        (" rapped out Mr. Bounderby.", "Mr. Bounderby"),
    ],
)
def test_less_common_verbs_of_speech(text: str, character: str) -> None:
    assert READER.after(text) == name(character, speech=True)


def test_a_phrasal_verb_of_speech_needs_its_own_particle() -> None:
    """`broke off,` before a quote introduces it; `broke off a piece of bread` is an act."""
    assert READER.before("After a moment, Diana broke off:") == name("Diana", speech=True)
    assert READER.before("Diana broke off a piece of bread.") == name("Diana", speech=False)
    assert READER.before("Diana broke up the bread and said:") == name("Diana", speech=True)
    assert READER.after(" Diana broke up.") == name("Diana", speech=False)


def test_a_verb_of_speech_before_an_infinitive_is_no_tag() -> None:
    """`She's beginning to worry as she turns the car`: no speaker here, not even one named
    beside the verb; `she said to him` still is one."""
    assert READER.after(" She's beginning to worry as she turns her car around.") is None
    assert READER.after(" she said to him.") == Tag("pronoun", gender="female", speech=True)


def test_he_or_she_after_a_clause_set_off_by_a_comma_is_the_subject() -> None:
    """`When the servants had departed, she added:`: "she" is no one's object, though a
    verb comes just before it; a name there may be one (`snubbing George, ...`)."""
    opening = "Then, when the servants had pulled hasty bows and departed, she added to me:"
    assert READER.before(opening) == Tag("pronoun", gender="female", speech=True)
    assert READER.before("Having looked round, he said:") == Tag(
        "pronoun", gender="male", speech=True
    )


def test_a_capitalised_word_opening_the_narration_is_no_outsider() -> None:
    """`Here some family joke exploded`: "Here" is capitalised by its place, not a speaker
    missing from the cast (which would make the quote nobody's); `Bailey says` still is."""
    tag = READER.after(" Here some family joke exploded, which Izzie could not follow.")
    assert tag is None or tag.kind != "outsider"
    assert READER.after(" Bailey says.") == Tag("outsider", speech=True)


def test_an_inverted_description_before_the_quote_is_read() -> None:
    """`enquired his sister, slowly, "...`: the description after the verb is the speaker."""
    tag = READER.before(" enquired his sister, slowly, and in a curious tone, ")
    assert tag is not None
    assert (tag.kind, tag.gender, tag.possessor, tag.speech) == (
        "description",
        "female",
        "male",
        True,
    )


def test_who_after_a_description_is_the_described_speaker() -> None:
    """`She shot an admonitory glance at her son, who said:`: her son speaks, not she."""
    tag = READER.before(" She shot an admonitory glance at her son, who said: ")
    assert tag is not None
    assert (tag.kind, tag.gender, tag.possessor) == ("description", "male", "female")


def test_a_pronoun_in_a_clause_after_an_inverted_tag_is_not_its_subject() -> None:
    """`cried her father as she appeared`: her father speaks; "she" is another clause's."""
    tag = READER.after(" cried her father as she appeared.")
    assert tag is not None
    assert (tag.kind, tag.gender, tag.possessor) == ("description", "male", "female")
