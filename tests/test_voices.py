"""The demo cast's voices, and automatic voices, are measurably different and, where
the natural engines are installed, natural ones."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

import pytest

from narrator.config import load_config
from narrator.model import Character, Config, Voice
from narrator.voices.cast import assign_voices
from narrator.voices.engines import EngineSet
from narrator.voices.synth import render

from .acoustics import median_f0, spectral_centroid
from .conftest import ROOT, requires_tool

SENTENCE = "I just wish he hadn't run out on me. I want to know he's okay."


def _relative(a: float, b: float) -> float:
    return abs(a - b) / min(a, b)


def _measure(voices: Mapping[str, Voice], names: list[str]) -> dict[str, tuple[float, float]]:
    """(median pitch, spectral centroid) of the same sentence in each named voice, as a
    build renders it (pitch shifted where the engine cannot, at the chapter's rate)."""
    engines = EngineSet()
    out = {}
    for name in names:
        voice = voices[name]
        clip = render(engines[voice.engine], SENTENCE, voice)
        rate = clip.sample_rate
        out[name] = (median_f0(clip.samples, rate), spectral_centroid(clip.samples, rate))
    return out


def _indistinct(
    measured: dict[str, tuple[float, float]], voices: Mapping[str, Voice] | None = None
) -> list[str]:
    """Pairs that are the same model and differ by less than 10% in pitch and brightness."""
    problems = []
    for a, b in itertools.combinations(measured, 2):
        if voices and (voices[a].engine, voices[a].name) != (voices[b].engine, voices[b].name):
            continue
        pitch = _relative(measured[a][0], measured[b][0])
        bright = _relative(measured[a][1], measured[b][1])
        if max(pitch, bright) < 0.10:
            problems.append(f"{a}/{b}: pitch {pitch:.0%}, centroid {bright:.0%}")
    return problems


@pytest.mark.integration
@requires_tool("festival", "ffmpeg")
def test_the_demo_cast_is_told_apart_and_its_women_sound_like_women() -> None:
    config = load_config(ROOT / "voices.yaml")
    voices = assign_voices(config)
    assert "espeak" not in {voices[n].engine for n in voices}
    assert "pyttsx3" not in {voices[n].engine for n in voices}
    names = ["narrator", "Izzie", "Alex", "Meredith"]
    measured = _measure(voices, names)
    assert _indistinct(measured, voices) == [], measured
    for character in config.characters:
        if character.gender == "female":
            assert measured[character.name][0] >= 160, (character.name, measured)
    # Meredith and the narrator share a model: a 10% step in median pitch apart.
    assert _relative(measured["Meredith"][0], measured["narrator"][0]) >= 0.10, measured


@pytest.mark.integration
@requires_tool("espeak-ng")
def test_automatic_espeak_voices_of_a_cast_without_voice_fields_differ() -> None:
    cast = (
        Character("Izzie", (), "female"),
        Character("Alex", (), "male"),
        Character("Meredith", (), "female"),
        Character("George", (), "male"),
    )
    voices = assign_voices(Config(source=Path("voices.yaml"), characters=cast), "espeak")
    measured = _measure(voices, ["narrator", "Izzie", "Alex", "Meredith", "George"])
    assert _indistinct(measured) == [], measured


@pytest.mark.integration
@requires_tool("festival", "flite", "ffmpeg")
def test_automatic_natural_voices_of_a_larger_cast_differ() -> None:
    cast = tuple(Character(f"F{i}", (), "female") for i in range(4)) + tuple(
        Character(f"M{i}", (), "male") for i in range(4)
    )
    voices = assign_voices(Config(source=Path("voices.yaml"), characters=cast))
    names = ["narrator", *(c.name for c in cast)]
    measured = _measure(voices, names)
    assert _indistinct(measured, voices) == [], measured
    assert all(measured[f"F{i}"][0] >= 160 for i in range(4)), measured
