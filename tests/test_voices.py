"""The demo cast's four voices, and automatic voices, are measurably different."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

import pytest

from narrator.config import load_config
from narrator.model import Character, Config, Voice
from narrator.voices.cast import assign_voices
from narrator.voices.engines import get_engine

from .acoustics import median_f0, spectral_centroid
from .conftest import ROOT, requires_tool

SENTENCE = "I just wish he hadn't run out on me. I want to know he's okay."


def _relative(a: float, b: float) -> float:
    return abs(a - b) / min(a, b)


def _measure(voices: Mapping[str, Voice], names: list[str]) -> dict[str, tuple[float, float]]:
    """(median pitch, spectral centroid) of the same sentence in each named voice."""
    out = {}
    for name in names:
        voice = voices[name]
        clip = get_engine(voice.engine).synthesize(SENTENCE, voice)
        rate = clip.sample_rate
        out[name] = (median_f0(clip.samples, rate), spectral_centroid(clip.samples, rate))
    return out


def _indistinct(measured: dict[str, tuple[float, float]]) -> list[str]:
    problems = []
    for a, b in itertools.combinations(measured, 2):
        pitch = _relative(measured[a][0], measured[b][0])
        bright = _relative(measured[a][1], measured[b][1])
        if max(pitch, bright) < 0.10:
            problems.append(f"{a}/{b}: pitch {pitch:.0%}, centroid {bright:.0%}")
    return problems


@pytest.mark.integration
@requires_tool("espeak-ng")
def test_narrator_izzie_alex_meredith_differ_measurably() -> None:
    voices = assign_voices(load_config(ROOT / "voices.yaml"))
    measured = _measure(voices, ["narrator", "Izzie", "Alex", "Meredith"])
    assert _indistinct(measured) == [], measured


@pytest.mark.integration
@requires_tool("espeak-ng")
def test_automatic_voices_of_a_cast_without_voice_fields_differ() -> None:
    cast = (
        Character("Izzie", (), "female"),
        Character("Alex", (), "male"),
        Character("Meredith", (), "female"),
        Character("George", (), "male"),
    )
    voices = assign_voices(Config(source=Path("voices.yaml"), characters=cast))
    measured = _measure(voices, ["narrator", "Izzie", "Alex", "Meredith", "George"])
    assert _indistinct(measured) == [], measured
