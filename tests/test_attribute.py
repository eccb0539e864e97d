"""Attribute: each rule of the sieve on small texts, and the seed chapter against its gold."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from narrator.attribute import attribute, unlisted_names
from narrator.attribute.features import Evidence
from narrator.attribute.names import NameIndex
from narrator.attribute.ranker import link
from narrator.attribute.sieve import Sieve
from narrator.config import load_config
from narrator.model import Character
from narrator.text.english import inner_verb_follows, lemma
from narrator.text.ingest import chapter_from_text, ingest
from narrator.text.segment import segment

from .conftest import EVAL, ROOT, SEED

CAST = (
    Character("Izzie", ("Iz",), "female"),
    Character("Alex", ("Karev",), "male"),
    Character("Meredith", ("Mer",), "female"),
)


def _spoken(text: str, cast: tuple[Character, ...] = CAST) -> list[tuple[str, str, str | None]]:
    chapter = chapter_from_text(text, Path("c.txt"))
    return [
        (s.text, s.speaker, s.rule)
        for s in attribute(segment(chapter), cast)
        if s.kind == "dialogue"
    ]


def test_name_tag_after_and_inverted() -> None:
    assert _spoken('"Hi," Alex says.\n\n"Bye," said Meredith.') == [
        ("Hi,", "Alex", "name-tag"),
        ("Bye,", "Meredith", "name-tag"),
    ]


def test_alias_names_the_character() -> None:
    assert _spoken('"Move," Karev snapped.')[0][1] == "Alex"


def test_name_tag_before_the_quote() -> None:
    assert _spoken('Meredith leans closer and whispers, "Are you two together?"') == [
        ("Are you two together?", "Meredith", "name-tag")
    ]


def test_a_description_tag_names_the_cast_member_of_that_description() -> None:
    cast = (*CAST, Character("The Waiter", (), "male"))
    text = 'Alex sat down.\n\n"Coffee?" said the waiter.\n\n"Please," Alex said.'
    assert [(t, s) for t, s, _ in _spoken(text, cast)] == [
        ("Coffee?", "The Waiter"),
        ("Please,", "Alex"),
    ]


def test_a_description_of_one_standing_is_not_given_to_someone_of_another() -> None:
    cast = (
        Character("Adela Quested", ("Miss Quested",), "female"),
        Character("Mrs. Moore", (), "female"),
        Character("Ronny", (), "male"),
    )
    text = (
        "Miss Quested came in with Ronny. Mrs. Moore looked up from her cards and smiled.\n\n"
        '"Now look here," said the logical girl.'
    )
    # The rule itself reads "the girl" as Miss Quested, not the Mrs. named last.
    assert _spoken(text, cast)[-1][1:] == ("Adela Quested", "description-tag")


def test_pronoun_tag_resolves_by_gender() -> None:
    text = 'Alex and Izzie sit down. Izzie pours coffee.\n\n"Drink," she tells him.'
    assert _spoken(text) == [("Drink,", "Izzie", "pronoun-tag")]


def test_vocative_is_not_the_speaker() -> None:
    text = 'Izzie and Meredith walk in.\n\n"Mer, wait," she calls.'
    assert _spoken(text)[0][1] == "Izzie"


def test_self_identification() -> None:
    text = '"Hello?" he whispers.\n\n"Meredith here. Where are you?"'
    cast = (Character("Alex", (), "male"), Character("Meredith", (), "female"))
    spoken = _spoken("Alex answers the phone.\n\n" + text, cast)
    assert spoken[-1][1:] == ("Meredith", "self-identification")


def test_turn_taking_alternates_in_untagged_exchanges() -> None:
    text = (
        '"Where are you?" Meredith asks.\n\n'
        '"At the diner," Alex says.\n\n'
        '"Which one?"\n\n'
        '"The one on Anderson."\n'
    )
    assert [(s, r) for _, s, r in _spoken(text)] == [
        ("Meredith", "name-tag"),
        ("Alex", "name-tag"),
        ("Meredith", "turn-taking"),
        ("Alex", "turn-taking"),
    ]


def test_an_untagged_quote_is_not_given_to_someone_not_yet_in_the_scene() -> None:
    """Dev is in the cast but walks in only at the end: the untagged exchange before that
    is between the two women in the room."""
    cast = (
        Character("Sam", (), "female"),
        Character("Lena", (), "female"),
        Character("Dev", (), "male"),
    )
    exchange = [
        "You'll be fine.", "You don't know that.", "I know you've played it before.",
        "Not in front of people.", "Then play it in your bedroom.", "What?",
    ]  # fmt: skip
    text = (
        "Sam and Lena sat in the green room.\n\n"
        '"Ten minutes," Sam said.\n\n'
        + "".join(f'"{line}"\n\n' for line in exchange)
        + 'Dev put his head round the door. "Break a leg," he said.\n'
    )
    spoken = _spoken(text, cast)
    assert [s for t, s, _ in spoken if t in exchange] == ["Lena", "Sam"] * 3
    assert spoken[-1][1] == "Dev"


def test_a_caller_who_hung_up_does_not_speak_again() -> None:
    """A telephone call: the caller names herself, "the voice on the phone" is her, and
    after she hangs up the untagged quotes are the two people in the room."""
    cast = (
        Character("Nora", ("Nor",), "female"),
        Character("Theo", (), "male"),
        Character("Priya", ("Pri",), "female"),
    )
    text = (
        "Nora and Theo sat in the cafeteria. Her phone buzzed and she picked it up.\n\n"
        '"Hey," Nora said.\n\n'
        '"Nor, it\u2019s Pri. Is Theo with you?"\n\n'
        '"He is," Theo said.\n\n'
        '"Good. Both of you, come up to the ward," said the voice on the phone.\n\n'
        "The line went quiet. Nora stared at the phone after Pri hung up.\n\n"
        '"You okay?" Theo asked.\n\n'
        '"No."\n'
    )
    spoken = dict((t, s) for t, s, _ in _spoken(text, cast))
    assert spoken["Nor, it\u2019s Pri. Is Theo with you?"] == "Priya"
    assert spoken["Good. Both of you, come up to the ward,"] == "Priya"
    assert spoken["No."] == "Nora"


def test_narration_leading_into_a_quote_is_its_tag_whatever_follows_it() -> None:
    """The second part of an interrupted quote is the first part's speaker's, though the
    narration after it has someone agree."""
    text = (
        '"The best thing they can do," said Meredith, summing it up as if she were '
        'pronouncing a diagnosis, "is to leave town." Everyone agreed with her.\n'
    )
    assert [s for _, s, _ in _spoken(text)] == ["Meredith", "Meredith"]


def test_a_quote_whose_own_evidence_is_someone_else_leaves_its_paragraphs_speaker() -> None:
    """The second quote of a paragraph follows an action of a woman ("She raised her
    hand"), not the man tagged before it."""
    cast = (Character("Bill", (), "male"), Character("Madame Lecomte", (), "female"))
    text = (
        '"Grand woman," Bill said.\n\n"You have got the world here all right," Bill said to '
        'Madame Lecomte. She raised her hand. "Oh, my God!"\n\n"You will be rich."\n'
    )
    assert [s for _, s, _ in _spoken(text, cast)][:3] == ["Bill", "Bill", "Madame Lecomte"]


@pytest.mark.parametrize(
    "narration",
    [
        "Aziz rode ahead; he looked back at Fielding.",
        "Aziz rode ahead.\n\nThe path wound on, and he found himself riding beside his dear Cyril.",
    ],
)
def test_he_is_not_the_man_named_in_his_own_clause(narration: str) -> None:
    """ "he ... Cyril" in one clause: the he is someone else than Cyril, and so, most
    likely, is the "he said" that follows."""
    cast = (Character("Aziz", (), "male"), Character("Cyril", ("Fielding",), "male"))
    assert _spoken(f'{narration}\n\n"Oh, shut up," he said.\n', cast)[0][1] == "Aziz"


def test_her_mother_is_of_her_family() -> None:
    """Of two matrons in the scene, "her mother" is the one who shares Jane's family name."""
    cast = (
        Character("Mrs. Long", (), "female"),
        Character("Mrs. Bennet", (), "female"),
        Character("Jane", ("Miss Bennet",), "female"),
    )
    text = (
        "Mrs. Bennet sat by the fire with Mrs. Long. Jane walked in from the garden, looking "
        'tired.\n\n"My dear child, sit down," said her mother.\n'
    )
    assert _spoken(text, cast)[0][1] == "Mrs. Bennet"


def _evidence(text: str, cast: tuple[Character, ...], quote_start: str) -> tuple[Evidence, int]:
    """The ranker's evidence for a story, and the quote opening so."""
    sieve = Sieve(segment(chapter_from_text(text, Path("c.txt"))), NameIndex(cast))
    sieve.run()
    quote = next(i for i, s in enumerate(sieve.segments) if s.text.startswith(quote_start))
    return Evidence(sieve), quote


def _first_person_evidence(
    text: str, cast: tuple[Character, ...], quote_start: str
) -> tuple[Evidence, int]:
    """The ranker's evidence for a story Jake narrates, and the quote opening so."""
    evidence, quote = _evidence(text, cast, quote_start)
    assert evidence.sieve.me == "Jake"
    return evidence, quote


def test_a_he_or_she_tag_has_no_candidate_of_the_other_sex_nor_the_narrator() -> None:
    """`"...," she said` in a first-person story: the women of the scene, not the men
    nearby, and not the narrator (who is "I")."""
    cast = (
        Character("Jake", (), "male"),
        Character("Bill", (), "male"),
        Character("Brett", (), "female"),
        Character("Frances", (), "female"),
    )
    text = (
        "Bill and Brett came in with Frances. I got up. I was tired and my head ached.\n\n"
        '"Hello, Jake," said Bill.\n\n"Hello," I said.\n\n"Where were you, Jake?"\n\n'
        '"Out," I said.\n\n"We were going to dance," she said.\n'
    )
    evidence, quote = _first_person_evidence(text, cast, "We were")
    assert set(evidence.candidates(quote)) == {"Brett", "Frances"}


def test_a_he_before_a_quote_in_a_first_person_story_is_the_one_other_man() -> None:
    """`He turned his head and looked at me.` between the narrator's line and the next: the
    one man of the conversation who is not the narrator."""
    cast = (Character("Jake", (), "male"), Character("Mike", (), "male"))
    text = (
        "Mike lay on the bed. I sat by the window. I was tired and my head ached.\n\n"
        '"Hello, Jake," Mike said.\n\n"Hello," I said.\n\n"Are you there, Jake?"\n\n'
        '"Go to sleep, Mike," I said.\n\nHe turned his head and looked at me.\n\n'
        '"Damned good thing, what?"\n'
    )
    evidence, quote = _first_person_evidence(text, cast, "Damned")
    assert "previous_paragraph_opens_with_his_pronoun" in evidence.features(quote, "Mike")
    assert "previous_paragraph_opens_with_his_pronoun" not in evidence.features(quote, "Jake")


def test_same_paragraph_quotes_share_a_speaker() -> None:
    text = '"Wait," Izzie says. She takes a breath. "Please wait."'
    assert [s for _, s, _ in _spoken(text)] == ["Izzie", "Izzie"]


def test_a_speaker_named_but_not_in_the_cast_is_unknown_not_a_cast_member() -> None:
    text = (
        'Izzie waits.\n\n"Morning," Bailey says.\n\n'
        '"Sit down," says Richard Webber.\n\n"Thanks," Izzie says.'
    )
    assert _spoken(text) == [
        ("Morning,", "unknown", "outsider-tag"),
        ("Sit down,", "unknown", "outsider-tag"),
        ("Thanks,", "Izzie", "name-tag"),
    ]
    # A description is not a name: "the nurse" is resolved or left to the ranker.
    assert _spoken('Izzie waits.\n\n"Morning," the nurse says.')[0][2] != "outsider-tag"


def test_a_quote_nobody_can_be_given_is_unknown() -> None:
    assert _spoken('"Who goes there?"') == [("Who goes there?", "unknown", "none")]


def test_every_dialogue_segment_has_rule_and_confidence() -> None:
    chapter = ingest(SEED)
    cast = load_config(ROOT / "voices.yaml").characters
    for seg in attribute(segment(chapter), cast):
        if seg.kind == "dialogue":
            assert seg.rule is not None
            assert seg.confidence is not None
            assert 0.0 <= seg.confidence <= 1.0
        else:
            assert (seg.speaker, seg.rule, seg.confidence) == ("narrator", None, None)


@pytest.mark.parametrize(
    ("word", "base"),
    [("whispers", "whisper"), ("said", "say"), ("asked", "ask"), ("stutters", "stutter"),
     ("replied", "reply"), ("snapped", "snap"), ("sobbing", "sob")],
)  # fmt: skip
def test_lemma(word: str, base: str) -> None:
    assert lemma(word) == base


def test_unlisted_names_are_counted() -> None:
    text = "Izzie saw Tess. Then she called Tess again.\n\nLater, Tess left with Bailey."
    chapter = chapter_from_text(text, Path("c.txt"))
    assert unlisted_names(chapter, CAST) == [("Tess", 3)]


def _seed_script_json() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "narrator", "script", str(SEED), "--config",
         str(ROOT / "voices.yaml"), "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return done.stdout


def test_seed_attribution_scored_by_the_shared_scorer(tmp_path: Path) -> None:
    """Acceptance: all 46 seed quotes right, detection F1 = 1.0."""
    scorer = EVAL / "score_attribution.py"
    gold = EVAL / "seed-chapter-01"
    prediction = tmp_path / "pred.json"
    prediction.write_text(_seed_script_json(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(prediction), "--report", str(tmp_path / "r.json")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["f1"] == 1.0, done.stdout
    assert report["correct"] == 46, done.stdout
    assert report["warnings"] == []


def test_seed_script_matches_the_golden_file(update_golden: bool) -> None:
    golden = ROOT / "tests" / "golden" / "chapter-01.script.json"
    chapter = ingest(SEED)
    cast = load_config(ROOT / "voices.yaml").characters
    segments = [dataclasses.asdict(s) for s in attribute(segment(chapter), cast)]
    current = json.dumps(segments, ensure_ascii=False, indent=1) + "\n"
    if update_golden or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(current, encoding="utf-8")
    assert current == golden.read_text(encoding="utf-8"), "run pytest --update-golden and review"


@pytest.mark.slow
def test_dev_novels_keep_their_attribution(tmp_path: Path) -> None:
    """A guard on the 14 PDNC dev novels the ranker is trained on (so in-sample): micro
    accuracy >= 0.80, and detection F1 >= 0.98 on each of the first seven. (Figures for
    books narrator has not seen come from tools/train_attribution.py, leave-one-out. Of
    the second seven, The Age of Innocence's gold lacks quotes it plainly has, such as
    most of Mrs. Welland's, which caps its detection precision near 0.92.)"""
    scorer = EVAL / "score_attribution.py"
    root = tmp_path / "novels"
    for folder in sorted(EVAL.glob("pdnc-dev*/*")):
        mirror = root / folder.name
        mirror.mkdir(parents=True)
        for name in ("chapter.txt", "gold.json", "voices.yaml"):
            (mirror / name).write_bytes((folder / name).read_bytes())
        done = subprocess.run(
            [sys.executable, "-m", "narrator", "script", str(folder / "chapter.txt"), "--config",
             str(folder / "voices.yaml"), "--json"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        (mirror / "pred.json").write_text(done.stdout, encoding="utf-8")
    subprocess.run(
        [sys.executable, str(scorer), "--all", str(root), "--report", str(root / "r.json")],
        capture_output=True, check=True,
    )  # fmt: skip
    report = json.loads((root / "r.json").read_text())
    assert report["micro"]["attribution_acc"] >= 0.80
    first_seven = {p.name for p in (EVAL / "pdnc-dev").iterdir()}
    low = [n["novel"] for n in report["novels"] if n["f1"] < 0.98 and n["novel"] in first_seven]
    assert low == []


def test_whom_the_scene_keeps_naming_is_a_candidate_however_long_ago() -> None:
    """A scene that names Aziz three times at its start, then has forty paragraphs of his
    talk with a woman: "he enquired" can still be Aziz, though the only men named lately
    are two the narration mentions in passing."""
    cast = (
        Character("Aziz", (), "male"),
        Character("Mrs. Moore", (), "female"),
        Character("Major Callendar", (), "male"),
        Character("Ralph", (), "male"),
    )
    opening = (
        "Aziz sat on the low wall of the mosque. Aziz liked the place. The night pleased "
        "Aziz, and he stayed.\n\n"
    )
    talk = "".join(
        f'"Is it far, the {n}th house?"\n\n"Not so far."\n\nThe moon rose higher.\n\n'
        for n in range(14)
    )
    text = (
        opening
        + talk
        + "Major Callendar had called on her at the club, and Ralph had come too.\n\n"
        + '"Yes?"\n\n"Would you care to see the hospital?" he enquired.\n'
    )
    evidence, quote = _evidence(text, cast, "Would you")
    assert "Aziz" in evidence.candidates(quote)


def test_the_one_a_reply_calls_ma_am_is_a_woman_of_standing() -> None:
    """`"You think that is funny, Miss Park?"` - `"No, ma'am."`: the question is the
    teacher's (Mrs.), more likely than the other girl's."""
    cast = (
        Character("Sam", (), "female"),
        Character("Lena Park", ("Miss Park", "Lena"), "female"),
        Character("Adaeze Okafor", ("Mrs. Okafor",), "female"),
    )
    text = (
        "Mrs. Okafor came in with her clipboard. Sam and Lena looked up.\n\n"
        '"Nerves?" Mrs. Okafor asked.\n\n"Something like that," Sam said.\n\n'
        "Lena snorted.\n\n"
        '"You think that is funny, Miss Park?"\n\n"No, ma\'am."\n'
    )
    evidence, quote = _evidence(text, cast, "You think")
    teacher, girl = evidence.features(quote, "Adaeze Okafor"), evidence.features(quote, "Sam")
    assert (teacher.get("honoured+1"), teacher.get("honoured+1_elder")) == (1.0, 1.0)
    assert "honoured+1_elder" not in girl


def test_who_acts_beside_a_quote_takes_part_in_the_conversation() -> None:
    """A teacher whose lines come with beats, not tags (`"Hm." Mrs. Okafor checked her
    clipboard.`), is one of the conversation's people, as a tagged speaker is."""
    cast = (Character("Sam", (), "female"), Character("Adaeze Okafor", ("Mrs. Okafor",), "female"))
    text = (
        "The door opened.\n\n"
        '"Tuned?" Mrs. Okafor checked her clipboard.\n\n"Yes," Sam said.\n\n"Good."\n'
    )
    evidence, quote = _evidence(text, cast, "Good.")
    assert evidence.features(quote, "Adaeze Okafor").get("tagged_in_conversation") == 1.0


_NORA_AND_THEO = (Character("Nora", (), "female"), Character("Theo", (), "male"))
"""A close-third-person scene's two: Nora, whose thoughts it tells, and Theo."""


def test_the_point_of_view_is_whose_thoughts_the_narration_tells() -> None:
    """Close third person: the scene is seen from inside Nora ("Nora wanted", "she
    didn't know"), though Theo is named as often; in a first-person story, from the
    narrator's, so no one else is its point of view."""
    cast = _NORA_AND_THEO
    text = (
        "Theo dropped into the seat across from Nora. Theo stole a fry. Theo grinned.\n\n"
        "Nora wanted to crawl under the table. She didn't know what to say.\n\n"
        '"Hi," Theo said.\n\n"Hi."\n'
    )
    evidence, quote = _evidence(text, cast, "Hi.")
    assert evidence.scenes.at(evidence.sieve.segments[quote].paragraph).pov == "Nora"
    assert evidence.features(quote, "Nora").get("scene_pov") == 1.0
    assert "scene_pov" not in evidence.features(quote, "Theo")
    first_person = (
        "Nora came in. I got up. I was tired and my head ached. Nora wanted to leave. Nora "
        'knew it was late.\n\n"Hello, Jake," said Nora.\n\n"Hello," I said.\n\n'
        '"Where were you, Jake?"\n\n"Out," I said.\n\n"Tired?"\n'
    )
    cast_with_me = (*cast, Character("Jake", (), "male"))
    evidence, quote = _first_person_evidence(first_person, cast_with_me, "Tired?")
    assert evidence.scenes.at(evidence.sieve.segments[quote].paragraph).pov is None


def test_whose_thoughts_end_the_narration_before_a_quote_is_told() -> None:
    """`Nora wanted to crawl under her tray.` then `"Why me?"`: the quote's candidate
    Nora is the one the narration ended on, from inside."""
    cast = _NORA_AND_THEO
    text = (
        '"He\'ll talk to Nora," Theo said.\n\n'
        "Theo looked at her. Nora wanted to crawl under her tray.\n\n"
        '"Why me?"\n'
    )
    evidence, quote = _evidence(text, cast, "Why me")
    nora, theo = evidence.features(quote, "Nora"), evidence.features(quote, "Theo")
    assert (
        nora.get("previous_paragraph_ends_with"),
        nora.get("previous_paragraph_ends_inside"),
    ) == (1.0, 1.0)
    assert "previous_paragraph_ends_with" not in theo


def test_talk_among_three_is_a_group_and_between_two_is_not() -> None:
    """Two talking, then a third who is called by name and tagged: the turns near the
    third's are talk in a group, where the one before answers less surely; the first
    exchange, far from them, is not."""
    cast = (*_NORA_AND_THEO, Character("Priya", ("Pri",), "female"))
    pair = "".join(f'"Line {n}?" Theo said.\n\n"Answer {n}."\n\n' for n in range(10))
    text = pair + '"Pri, is that you?" Nora said.\n\n"It is," Priya said.\n\n"Hello."\n'
    evidence, quote = _evidence(text, cast, "Hello.")
    people = evidence.people
    last = evidence.sieve.turn_of[quote]
    assert people.group(last) == 3
    assert people.group(0) == 1
    assert link(evidence, last - 1, last).endswith(" in a group")
    assert not link(evidence, 0, 1).endswith(" in a group")


@pytest.mark.parametrize(
    ("after", "inner"),
    [
        (["wanted", "to", "crawl"], True),
        (["didn't", "know"], True),
        (["suddenly", "realised", "it"], True),
        (["could", "see", "the"], True),
        (["walked", "to", "the"], False),
        (["said", "she", "knew"], False),
    ],
)
def test_verbs_of_thought_feeling_and_perception(after: list[str], inner: bool) -> None:
    assert inner_verb_follows(after) is inner
