"""The cast's names found in text: variants, capitals, shared forms resolved by context."""

from __future__ import annotations

import pytest

from narrator.attribute.cues import addressed, announces, names_self
from narrator.attribute.names import NameIndex, standing
from narrator.attribute.reading import read_mentions
from narrator.model import Character, Segment

CAST = (
    Character("Adela Quested", ("Adela",), "female"),
    Character("Mr. Mcbryde", (), "male"),
    Character("Mrs. Van Der Luyden", (), "female"),
    Character("Mary Datchet", (), "female"),
    Character("Mary Seal", (), "female"),
    Character("Josiah Bounderby", ("Mr. Bounderby",), "male"),
    Character("Bounderby"),  # a bare family name listed on its own, as PDNC casts do
)


def _names(index: NameIndex, text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.character) for m in index.mentions(text)]


def test_a_title_before_a_part_of_the_name_names_the_character() -> None:
    index = NameIndex(CAST)
    assert _names(index, "exclaimed Miss Quested, and Adela laughed") == [
        ("Miss Quested", "Adela Quested"),
        ("Adela", "Adela Quested"),
    ]
    # A title that does not fit the character's gender is not her.
    assert _names(index, "said Mr. Quested") == [("Quested", "Adela Quested")]


def test_capitals_inside_a_name_do_not_matter_but_a_lower_case_word_is_no_name() -> None:
    index = NameIndex(CAST)
    assert _names(index, "McBryde raised his eyebrows.") == [("McBryde", "Mr. Mcbryde")]
    assert _names(index, "said Mrs. van der Luyden") == [
        ("Mrs. van der Luyden", "Mrs. Van Der Luyden")
    ]
    assert _names(index, "the mary rose") == []


def test_a_shared_first_name_is_whoever_was_named_last() -> None:
    index = NameIndex(CAST)
    index.seen("Mary Seal", 10)
    index.seen("Mary Datchet", 50)
    (mention,) = index.mentions("Mary said")
    assert (mention.character, mention.shared) == ("Mary Datchet", True)
    index.seen("Mary Seal", 90)
    assert index.mentions("Mary said")[0].character == "Mary Seal"


def test_a_bare_family_name_entry_is_the_person_it_belongs_to() -> None:
    index = NameIndex(CAST)
    assert index.hollow == frozenset({"Bounderby"})
    assert _names(index, '"Now," said Bounderby.') == [("Bounderby", "Josiah Bounderby")]


def test_a_bare_family_name_is_the_man_who_bears_it_not_his_wife() -> None:
    index = NameIndex(
        (
            Character("Josiah Bounderby", ("Mr. Bounderby",), "male"),
            Character("Louisa Bounderby", ("Louisa", "Mrs. Bounderby"), "female"),
        )
    )
    index.seen("Louisa Bounderby", 90)
    assert _names(index, '"Now," said Bounderby.') == [("Bounderby", "Josiah Bounderby")]
    assert _names(index, "said Mrs. Bounderby") == [("Mrs. Bounderby", "Louisa Bounderby")]
    # Between two men who share it, the one named last.
    brothers = (Character("Edward Ferrars", (), "male"), Character("Robert Ferrars", (), "male"))
    index = NameIndex((*brothers, Character("Fanny Ferrars", (), "female")))
    index.seen("Edward Ferrars", 10)
    index.seen("Robert Ferrars", 50)
    index.seen("Fanny Ferrars", 90)
    assert index.mentions("Ferrars said")[0].character == "Robert Ferrars"


def test_a_rank_before_another_name_is_not_the_one_of_that_rank_in_the_cast() -> None:
    index = NameIndex((Character("Colonel Brandon", (), "male"),))
    text = "It is from you, Colonel. And Colonel Forster came in. Colonel said so."
    assert _names(index, text) == [("Colonel", "Colonel Brandon"), ("Colonel", "Colonel Brandon")]


def test_vocatives_and_standing() -> None:
    index = NameIndex(CAST)
    assert addressed("Adela, come here!", index) == {"Adela Quested"}
    assert addressed("I saw Adela yesterday.", index) == set()
    assert standing(Character("Mrs. Moore", (), "female")) == "matron"
    assert standing(Character("Miss Derek", ("Nancy",), "female")) == "maiden"
    assert standing(Character("Aziz", (), "male")) is None


def test_an_alias_the_user_gave_wins_over_a_shared_part() -> None:
    index = NameIndex((Character("Mary Datchet", ("Mary",)), Character("Mary Seal")))
    index.seen("Mary Seal", 10)
    assert index.mentions("Mary said")[0].character == "Mary Datchet"


def test_a_speaker_names_themself_but_announces_others() -> None:
    index = NameIndex(CAST)

    def said(text: str) -> tuple[bool, bool]:
        (mention,) = index.mentions(text)
        return names_self(text, mention), announces(text, mention)

    assert said("I'm Adela, and you are?") == (True, False)
    assert said("Adela here. Where are you?") == (True, False)
    assert said("It's Adela! She's back.") == (False, True)
    assert said("Where is Adela?") == (False, False)


def test_a_name_in_the_clause_of_a_he_of_its_gender_is_bound() -> None:
    """What the narration's mentions say of a he or she that cannot mean them."""
    cast = NameIndex((Character("Cyril", (), "male"), Character("Adela", (), "female")))
    text = "He rode on with Cyril and Adela. Cyril laughed; he waved to Cyril."
    seg = Segment(0, "narration", "narrator", text, 0, len(text), paragraph=0)
    bound = [(m.character, m.bound) for m in read_mentions(seg, cast, None, [], None)]
    # Adela is a woman: "he" rules out only men; "Cyril laughed" is a subject.
    assert bound == [("Cyril", True), ("Adela", False), ("Cyril", False), ("Cyril", True)]


def test_a_name_before_an_adverb_and_a_verb_is_the_subject() -> None:
    """`Mr. Bennet soon assured her`: the subject, as in `Mr. Bennet quietly assured her`;
    so is `Jane at last smiled` (a two-word adverb), not `Jane at the door`."""
    cast = NameIndex((Character("Mr. Bennet", (), "male"), Character("Jane", (), "female")))
    text = (
        "Mr. Bennet soon assured her, and Jane never doubted. Then Jane at last smiled. "
        "He saw Jane at the door."
    )
    seg = Segment(0, "narration", "narrator", text, 0, len(text), paragraph=0)
    subjects = [(m.character, m.subject) for m in read_mentions(seg, cast, None, [], None)]
    assert subjects == [("Mr. Bennet", True), ("Jane", True), ("Jane", True), ("Jane", False)]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Jane bent towards the fire.", True),  # an irregular past
        ("Jane, attributing it to some want of liberality, sat down.", True),  # an aside
        ("Jane, Kitty and Lydia.", False),
    ],
)
def test_the_subject_of_a_sentence(text: str, subject: bool) -> None:
    cast = NameIndex((Character("Jane", (), "female"),))
    seg = Segment(0, "narration", "narrator", text, 0, len(text), paragraph=0)
    assert [m.subject for m in read_mentions(seg, cast, None, [], None)] == [subject]


def test_the_given_name_in_a_married_womans_name_is_her_husbands() -> None:
    """ "Mrs. John Dashwood" is John Dashwood's wife: "John" alone is him, not her."""
    cast = NameIndex(
        (
            Character("John Dashwood", (), "male"),
            Character("Fanny", ("Mrs. John Dashwood",), "female"),
        )
    )
    fanny = cast.mentions("Fanny smiled.")[0]
    cast.seen(fanny.character, fanny.start)
    assert [m.character for m in cast.mentions("said John.")] == ["John Dashwood"]
    assert [m.character for m in cast.mentions("said Mrs. John Dashwood.")] == ["Fanny"]


def test_family_is_who_shares_a_family_name() -> None:
    cast = NameIndex(
        (
            Character("Mrs. Bennet", (), "female"),
            Character("Jane", ("Miss Bennet",), "female"),
            Character("Mrs. Long", (), "female"),
        )
    )
    assert cast.family["Jane"] == {"Mrs. Bennet"}
    assert cast.family["Mrs. Long"] == set()


def test_the_waiter_is_the_cast_member_called_the_waiter_not_a_waiter() -> None:
    cast = NameIndex(
        (
            Character("A Waiter", (), "male"),
            Character("The Waiter", (), "male"),
            Character("An Old Man", (), "male"),
        )
    )
    assert cast.described["waiter"] == "The Waiter"
    assert cast.described["old man"] == "An Old Man"
