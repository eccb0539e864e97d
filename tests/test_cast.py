"""Cast: explicit settings win; automatic voices are distinct, gender-appropriate and stable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from narrator.model import Character, Config, Voice, VoiceSettings
from narrator.voices.cast import PALETTES, assign_voices


def _config(*characters: Character, **fields: object) -> Config:
    return Config(source=Path("voices.yaml"), characters=characters, **fields)  # type: ignore[arg-type]


def test_explicit_settings_win() -> None:
    config = _config(
        Character(
            "Izzie", (), "female", VoiceSettings(name="en-us+f2", rate=190, pitch=70, volume=0.8)
        ),
        narrator=VoiceSettings(name="en-gb-x-rp", rate=150),
    )
    voices = assign_voices(config)
    assert voices["Izzie"] == Voice("pyttsx3", "en-us+f2", 190, 70, 0.8)
    assert voices["narrator"] == Voice("pyttsx3", "en-gb-x-rp", 150, 50, 1.0)


def test_automatic_voices_follow_gender_and_are_distinct() -> None:
    cast = [Character(f"F{i}", (), "female") for i in range(9)]
    cast += [Character(f"M{i}", (), "male") for i in range(8)]
    cast += [Character(f"U{i}", (), "unknown") for i in range(3)]
    voices = assign_voices(_config(*cast))
    female_names = {name for name, _ in PALETTES["female"]}
    male_names = {name for name, _ in PALETTES["male"]}
    assert all(voices[f"F{i}"].name in female_names for i in range(9))
    assert all(voices[f"M{i}"].name in male_names for i in range(8))
    settings = [(v.name, v.pitch) for v in voices.values()]
    assert len(settings) == len(set(settings)), "two speakers share a voice"


def test_automatic_choice_is_stable_and_appending_changes_no_one() -> None:
    first = [Character("Izzie", (), "female"), Character("Alex", (), "male")]
    before = assign_voices(_config(*first))
    assert assign_voices(_config(*first)) == before
    after = assign_voices(_config(*first, Character("Meredith", (), "female")))
    assert {k: after[k] for k in before} == before
    assert after["Meredith"] != after["Izzie"]


def test_an_explicit_voice_is_not_handed_out_again() -> None:
    taken = PALETTES["female"][0]
    config = _config(
        Character("Meredith", (), "female", VoiceSettings(name=taken[0], pitch=taken[1])),
        Character("Izzie", (), "female"),
    )
    voices = assign_voices(config)
    assert (voices["Izzie"].name, voices["Izzie"].pitch) != taken


def test_engine_override_applies_to_every_voice() -> None:
    config = _config(Character("Izzie", (), "female", VoiceSettings(engine="espeak")))
    voices = assign_voices(config, engine="tone")
    assert {v.engine for v in voices.values()} == {"tone"}
    assert dataclasses.replace(voices["Izzie"], engine="espeak") != voices["Izzie"]
