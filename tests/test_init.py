"""`narrator init` (a starter cast found in the text) and `narrator preview`."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrator.attribute.discover import discover
from narrator.cli import main
from narrator.config import load_config
from narrator.text.ingest import chapter_from_text

from .conftest import ROOT, requires_tool


def _found(text: str) -> dict[str, tuple[tuple[str, ...], str]]:
    chapter = chapter_from_text(text, Path("c.txt"))
    return {f.name: (f.aliases, f.gender) for f in discover([chapter])}


def test_people_are_found_places_are_not() -> None:
    text = (
        "Tess walked to Iowa. She was tired of Iowa.\n\n"
        '"Stay," said Tess. "Please, Bill."\n\n'
        "Bill looked at her. He drove back to Iowa that night.\n\n"
        "Then Tess Mallory smiled. She had won.\n"
    )
    found = _found(text)
    assert set(found) == {"Tess", "Bill"}
    assert found["Tess"] == (("Tess Mallory",), "female")
    assert found["Bill"][1] == "male"


def test_family_members_with_different_titles_stay_apart() -> None:
    text = (
        '"Yes," said Mr. Bennet. He smiled.\n\n"No," said Mrs. Bennet. She frowned.\n\n'
        "Later Mr. Bennet read. He was calm. Then Mrs. Bennet sighed. She was not.\n"
    )
    found = _found(text)
    assert found["Mr. Bennet"][1] == "male"
    assert found["Mrs. Bennet"][1] == "female"


def test_init_writes_a_cast_that_loads(project: Path) -> None:
    result = CliRunner().invoke(main, ["init", "chapters/chapter-01.txt", "--config", "new.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "wrote new.yaml: 3 characters"
    config = load_config(project / "new.yaml")
    genders = {c.name: c.gender for c in config.characters}
    aliases = {c.name: c.aliases for c in config.characters}
    assert aliases["Meredith"] == ("Mer",)  # her short form is her, not someone else
    assert genders["Izzie"] == "female"
    assert genders["Alex"] == "male"
    assert genders["Meredith"] == "female"
    chosen = [(c.voice.engine, c.voice.name, c.voice.pitch) for c in config.characters]
    assert len(set(chosen)) == len(chosen)
    assert "# 38 mentions" in (project / "new.yaml").read_text(encoding="utf-8")


def test_init_never_overwrites_without_force(project: Path) -> None:
    before = (project / "voices.yaml").read_text(encoding="utf-8")
    refused = CliRunner().invoke(main, ["init", "chapters/chapter-01.txt"])
    assert refused.exit_code == 2
    assert refused.output == (
        "Error: voices.yaml: already exists (edit it, or pass --force to write a new one)\n"
    )
    assert (project / "voices.yaml").read_text(encoding="utf-8") == before
    forced = CliRunner().invoke(main, ["init", "chapters/chapter-01.txt", "--force"])
    assert forced.exit_code == 0
    assert (project / "voices.yaml").read_text(encoding="utf-8") != before


@requires_tool("ffmpeg", "ffprobe")
def test_preview_renders_a_sample_in_the_speakers_voice(project: Path) -> None:
    result = CliRunner().invoke(main, ["preview", "iz", "Hello there, Alex.", "--no-play"])
    assert result.exit_code == 0, result.output
    assert result.output == "output/preview-izzie.mp3: Izzie\n"
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
         "output/preview-izzie.mp3"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert 0.5 < float(probe.stdout) < 4.0


def test_preview_of_an_unknown_speaker(project: Path) -> None:
    result = CliRunner().invoke(main, ["preview", "Merdith", "--no-play"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: no speaker 'Merdith' in voices.yaml "
        "(choose one of: narrator, unknown, Izzie, Alex, Meredith)\n"
    )


def test_init_on_fan_fiction_merges_short_forms_and_reads_gender_from_the_right_pronouns() -> None:
    """tests/data/fanfic/static: "Pri" is Priya; a "He" that follows a paragraph opening
    with Theo's quote is not Nora's; '"...," Priya said, like she had been running'."""
    from narrator.attribute.discover import discover
    from narrator.text.ingest import ingest

    found = {f.name: f for f in discover([ingest(ROOT / "tests/data/fanfic/static/chapter.txt")])}
    assert found["Priya"].aliases == ("Pri",)
    assert "Pri" not in found
    assert (found["Nora"].gender, found["Priya"].gender, found["Theo"].gender) == (
        "female", "female", "male",
    )  # fmt: skip


def test_a_kinship_word_used_as_a_name_has_its_gender() -> None:
    from narrator.attribute.discover import discover
    from narrator.text.ingest import ingest

    found = {f.name: f for f in discover([ingest(ROOT / "tests/data/fanfic/low-tide/chapter.txt")])}
    assert found["Gran"].gender == "female"


def test_names_with_capitals_inside_particles_and_a_line_break_are_whole() -> None:
    paragraphs = [
        '"Come in," said Mr. McBryde. He was smiling, and he held the door open for them.',
        "Mrs. van der Luyden nodded. She rose and went out. Later Mrs. van der Luyden wrote.",
        '"Never," said the guest. "Dogs, dogs," drivelled old Talbot, and Mr. Beachfield Davis'
        " laughed so loudly that the glasses rang. Mr. Beachfield Davis was not ashamed.",
    ]
    # Hard-wrapped, as Project Gutenberg texts are: "Beachfield" ends a line.
    text = "\n\n".join(textwrap.fill(p, width=48) for p in paragraphs) + "\n"
    assert "Beachfield\nDavis" in text
    found = _found(text)
    assert "Mr. McBryde" in found
    assert not {"Mc", "Mr. Mc"} & set(found)
    assert "Mrs. van der Luyden" in found
    assert found["Mrs. van der Luyden"][1] == "female"
    assert "Mr. Beachfield Davis" in found
    assert "Mr. Beachfield" not in found


_RELATIVES = (
    '"Nonsense," said Major Callendar. He frowned. Later Major Callendar rode out.\n\n'
    '"Tea?" asked Mrs. Callendar. Then Mrs. Callendar poured.\n\n'
    '"Well," said John Dashwood. Then John Dashwood left.\n\n'
    '"Oh," said Mrs. Dashwood. Then Mrs. Dashwood wept.\n\n'
    '"Yes," said Madame Olenska. Later Countess Olenska smiled, and Madame Olenska sat.\n'
)


@pytest.mark.parametrize(
    ("text", "genders"),
    [
        pytest.param(
            _RELATIVES,
            {
                "Major Callendar": "male", "Mrs. Callendar": "female",
                "John Dashwood": "male", "Mrs. Dashwood": "female",
                "Madame Olenska": "female",
            },
            id="a title, rank or given name of the other sex keeps relatives apart",
        ),
        pytest.param(
            '"Well," said Edward. Then Edward sat down.\n\n'
            '"Hi," said Eleanor. Then Eleanor laughed.\n\n'
            '"Hey," said Sam. Then Sam waved.\n',
            # Sam may be Samuel or Samantha: the text decides.
            {"Edward": "male", "Eleanor": "female", "Sam": "unknown"},
            id="a given name settles the gender the pronouns leave open",
        ),
        pytest.param(
            '"Look," said Jordan. When Jordan opened her bag, a cat jumped out.\n\n'
            '"Oh," said Casey. Casey told her that it was fine.\n',
            # "told her": someone else, not Casey's own.
            {"Jordan": "female", "Casey": "unknown"},
            id="the pronouns of a subject in its clause tell its gender",
        ),
        pytest.param(
            '"Come," said Alexis Ivanovitch. "Come," said Potapitch. "Go," said Nastasia.\n\n'
            "Later Alexis Ivanovitch and Potapitch and Nastasia and Polina Alexandrovna sat.\n\n"
            '"Stay," said Polina Alexandrovna, and Nastasia laughed.\n',
            {
                "Alexis Ivanovitch": "male", "Potapitch": "male",
                "Polina Alexandrovna": "female", "Nastasia": "female",
            },
            id="a patronymic or a woman's name ending gives the gender no pronoun gives",
        ),
        pytest.param(
            '"Good morning," said Lucy. She waved at the gardener.\n\n'
            '"Is that house to let again, Powell?" she called.\n\n'
            '"Yes, miss," he replied.\n\n"And the hood, Powell?"\n\n"Fixed, miss," he said.\n',
            {"Powell": "male"},
            id="the one addressed who answers with a pronoun tag has that gender",
        ),
        pytest.param(
            '"Of course," the Quarle replied. "What else?" he went on, turning to Alice.\n\n'
            'Alice watched the Quarle. "Well," said the Quarle.\n',
            {"Quarle": "male"},
            id="a pronoun tag after a name tag in its paragraph is that speaker's",
        ),
        pytest.param(
            '"Explain yourself!" said the Fennick sternly.\n\n'
            '"I can\'t, sir," said Alice. "I\'m not myself." Alice looked at the Fennick.\n\n'
            '"Nonsense," said the Fennick.\n',
            {"Fennick": "male"},
            id="a reply that calls the one before sir",
        ),
        pytest.param(
            '"Now tell me, Brisk, what is that in the window?" Alice asked.\n\n'
            '"Sure, it\'s an arm!" (He pronounced it "arrum.")\n\n'
            '"Well," said Brisk. Later Brisk sat.\n',
            {"Brisk": "male"},
            id="the one called answers, and a he or she after the answer is them",
        ),
        pytest.param(
            "Vesk at once slipped the rein over her head, thus enabling himself to drive.\n\n"
            '"Go," said Vesk. Then Vesk sat.\n',
            {"Vesk": "male"},
            id="a himself in the sentence outweighs the her before it",
        ),
        pytest.param(
            '"Hello," said Tarn. There was a crest on the card. Like Tarn the Greek duke.\n\n'
            "Later Tarn sat.\n",
            {"Tarn": "male"},
            id="a description set beside a name",
        ),
    ],
)  # fmt: skip
def test_gender_of_a_character_found(text: str, genders: dict[str, str]) -> None:
    found = _found(text)
    assert {name: found[name][1] for name in genders} == genders


def test_a_bare_family_name_beside_a_wife_is_her_husband() -> None:
    found = _found(
        '"Dance," said Mrs. Braddocks. Then Mrs. Braddocks laughed. She was happy.\n\n'
        '"No," said Braddocks.\n\nBraddocks frowned at his glass.\n'
    )
    assert found["Mrs. Braddocks"] == ((), "female")
    assert found["Braddocks"] == ((), "male")


def test_two_titles_of_one_woman_are_one_character() -> None:
    assert _found(_RELATIVES)["Madame Olenska"] == (("Countess Olenska",), "female")


def test_peoples_families_and_places_are_not_characters() -> None:
    text = (
        "Tess had never been in India. The English were everywhere in India.\n\n"
        '"Hello," said Tess. The Hilberys came to tea. The Hilberys talked.\n\n'
        "Tess said the English were rude, and Tess went to India.\n"
    )
    assert set(_found(text)) == {"Tess"}


def test_speakers_known_by_a_description_are_listed() -> None:
    text = (
        '"Coffee?" said the waiter.\n\n"Please," said Tess.\n\n'
        '"Milk?" the waiter asked politely.\n\n"No," said the other.\n\n'
        '"Hurry," the old woman said. Tess stared.\n\n"Now!" cried the old woman.\n\n'
        '"Once," said the sailor, only the once.\n'
    )
    found = _found(text)
    assert found["The Waiter"] == ((), "unknown")
    assert found["The Old Woman"] == ((), "female")
    assert "The Other" not in found
    assert "The Sailor" not in found  # one tag is not enough to list a speaker


def test_a_pet_name_said_only_in_dialogue_is_that_characters() -> None:
    """tests/data/fanfic/recital: Sam calls Lena "Lee" once; the narration never does."""
    from narrator.text.ingest import ingest

    found = {f.name: f for f in discover([ingest(ROOT / "tests/data/fanfic/recital/chapter.txt")])}
    assert found["Lena"].aliases == ("Lee",)
    assert "Lee" not in found


def test_a_name_the_narration_uses_is_not_taken_for_a_pet_name() -> None:
    text = (
        '"Come here, Lee," said Lena. She waved.\n\n'
        "Lee walked over. He was slow. Lee sat down by Lena.\n\n"
        '"Fine," said Lee. He smiled.\n'
    )
    found = _found(text)
    assert {"Lena", "Lee"} <= set(found)
    assert found["Lena"][0] == ()


def test_a_name_said_once_is_listed_commented_out(tmp_path: Path) -> None:
    text = (
        '"Stay," said Tess. "Please, Bill."\n\n'
        "Bill looked at her. He drove back that night.\n\n"
        '"You think that is funny, Miss Park?" Tess asked. She was cross.\n'
    )
    chapter = tmp_path / "c.txt"
    chapter.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(chapter), "--config", str(tmp_path / "v.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"wrote {tmp_path / 'v.yaml'}: 2 characters (and 1 named once, listed commented out)"
    )
    written = (tmp_path / "v.yaml").read_text(encoding="utf-8")
    assert "  # Miss Park: {gender: female}\n" in written
    assert [c.name for c in load_config(tmp_path / "v.yaml").characters] == ["Bill", "Tess"]
    (tmp_path / "v.yaml").write_text(written.replace("  # Miss Park", "  Miss Park"))
    uncommented = load_config(tmp_path / "v.yaml").characters
    assert [(c.name, c.gender) for c in uncommented][-1] == ("Miss Park", "female")


def test_a_rank_alone_and_a_title_with_a_given_name_join_their_bearer() -> None:
    from narrator.attribute.name_forms import group_forms

    names = ["Colonel Brandon", "Colonel", "Sir John Middleton", "Sir John", "John Dashwood"]
    groups = group_forms(names, dict.fromkeys(names, 5))
    assert {"Colonel Brandon", "Colonel"} in groups
    assert {"Sir John Middleton", "Sir John"} in groups
    # After Mrs. comes a family name: "Mrs. Manson" may be Medora Manson as well.
    names = ["Mrs. Manson Mingott", "Medora Manson", "Mrs. Manson"]
    assert {"Mrs. Manson"} in group_forms(names, dict.fromkeys(names, 5))
