"""Audio: pauses by position, silence trimming, MP3 encoding through ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from narrator import audio
from narrator.audio import clean, encode_mp3, silence
from narrator.errors import MissingTool
from narrator.model import Clip
from narrator.publish.assemble import PAUSES, Placement, pause_ms

from .acoustics import rms
from .conftest import requires_tool


def _at(
    segment: int, paragraph: int = 0, scene: int = 0, text: str = "Text.", heading: bool = False
) -> Placement:
    return Placement(segment, paragraph, scene, heading, text)


def test_pauses_grow_with_the_break() -> None:
    assert pause_ms(None, _at(0)) == PAUSES.lead_in_ms
    assert pause_ms(_at(0), _at(0)) == PAUSES.sentence_ms
    assert pause_ms(_at(0, text="Hi,"), _at(1, text="she said.")) == PAUSES.clause_ms
    assert pause_ms(_at(0, text="Hi."), _at(1, text="She left.")) == PAUSES.segment_ms
    assert pause_ms(_at(0), _at(1, paragraph=1)) == PAUSES.paragraph_ms
    assert pause_ms(_at(0, heading=True), _at(1, paragraph=1)) == PAUSES.heading_ms
    assert pause_ms(_at(0), _at(1, paragraph=1, scene=1)) == PAUSES.scene_ms
    assert PAUSES.clause_ms < PAUSES.sentence_ms < PAUSES.paragraph_ms < PAUSES.scene_ms


def test_silence_is_zero_samples_of_the_right_length() -> None:
    assert silence(100, 22_050) == bytes(2 * 2_205)


def test_clean_trims_silence_at_both_ends() -> None:
    tone = Clip(bytes(4_410) + b"\xff\x3f\x01\xc0" * 2_205 + bytes(8_820), 22_050)
    trimmed = clean(tone)
    assert trimmed.sample_rate == 22_050
    assert 0.2 < trimmed.duration_seconds < 0.25
    assert clean(Clip(bytes(4_410), 22_050)).samples == b""


def test_clean_resamples_to_the_pipeline_rate() -> None:
    clip = Clip(b"\xff\x3f\x01\xc0" * 12_000, 24_000)
    assert clean(clip).sample_rate == audio.SAMPLE_RATE
    assert abs(clean(clip).duration_seconds - 1.0) < 0.02


@pytest.mark.integration
@requires_tool("ffmpeg", "ffprobe")
def test_encode_mp3_streams_into_a_decodable_file(tmp_path: Path) -> None:
    destination = tmp_path / "out.mp3"
    encode_mp3(iter([silence(1_000), b"\xff\x3f\x01\xc0" * 11_025, silence(1_000)]), destination)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels:format=duration",
         "-of", "default=nw=1", str(destination)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    fields = dict(line.split("=", 1) for line in probe.stdout.split())
    assert fields["codec_name"] == "mp3"
    assert fields["channels"] == "1"
    assert fields["sample_rate"] == "22050"
    assert abs(float(fields["duration"]) - 3.0) < 0.1


def test_missing_ffmpeg_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingTool, match="ffmpeg not found on PATH") as caught:
        audio.ffmpeg()
    assert caught.value.hint == "install it: sudo apt-get install ffmpeg"


@requires_tool("ffmpeg")
@pytest.mark.parametrize("length", [61_440, 63_488, 61_184])
def test_pitch_shift_keeps_every_sample_to_the_end(length: int) -> None:
    """Pitch shifters lose the end of some inputs (ffmpeg's rubberband filter dropped
    ~0.1 s of 61,440 and 63,488 samples): the end of a sentence must survive the shift."""
    import array
    import math

    wave = array.array(
        "h", (int(8000 * math.sin(2 * math.pi * 220 * i / 22_050)) for i in range(length))
    )
    shifted = audio.shift_pitch(Clip(wave.tobytes(), 22_050), audio.pitch_factor(80))
    assert len(shifted.samples) == 2 * length
    tail = shifted.samples[-2 * 2_205 :]  # the last 0.1 s
    assert rms(tail) > 0.5 * 8000 / math.sqrt(2)


def _tone(hz: float, rate: int, seconds: float = 1.0) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return (8000 * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes()


def test_resampling_filters_out_what_the_new_rate_cannot_hold() -> None:
    """A 15 kHz tone at 32 kHz has no place at 22.05 kHz (Nyquist 11.025 kHz): a proper
    resampler removes it; linear interpolation would fold it back to 7.05 kHz."""
    high = audio.resample(Clip(_tone(15_000, 32_000), 32_000))
    kept = audio.resample(Clip(_tone(1_000, 32_000), 32_000))
    assert high.sample_rate == kept.sample_rate == audio.SAMPLE_RATE
    assert abs(kept.duration_seconds - 1.0) < 0.01
    assert rms(high.samples) < 0.01 * rms(kept.samples)
    assert rms(kept.samples) > 5000


def test_mixed_rate_clips_come_out_at_the_chapters_rate() -> None:
    for rate in (8_000, 16_000, 24_000, 32_000, 48_000):
        cleaned = audio.clean(Clip(_tone(440, rate, 0.5), rate))
        assert cleaned.sample_rate == audio.SAMPLE_RATE
        assert abs(cleaned.duration_seconds - 0.5) < 0.02


@pytest.mark.integration
@requires_tool("ffmpeg")
def test_a_voice_made_louder_measures_in_the_mp3_as_its_gain_was_measured(
    tmp_path: Path,
) -> None:
    """Peaky speech lifted 12 dB (as Piper's voice is): the MP3 is as loud as `measure`
    said that gain would make it, because its peaks reach the limiter instead of being
    cut flat in 16 bits on the way."""
    rate = audio.SAMPLE_RATE
    t = np.arange(rate // 4) / rate
    burst = np.sin(2 * np.pi * 180 * t) * np.exp(-t * 12)  # a syllable: loud onset, decay
    speech = np.tile(np.concatenate([burst * 29_000, np.zeros(rate // 8)]), 16)
    pcm = speech.astype("<i2").tobytes()
    predicted = {g: audio.measure(pcm, gain_db=g).integrated_lufs for g in (0.0, 12.0)}
    encoded = {}
    for g in predicted:
        destination = tmp_path / f"{g}.mp3"
        encode_mp3(iter([audio.at_gain(pcm, g)]), destination)
        encoded[g] = audio.measure(destination).integrated_lufs
    # MP3 takes the same share of either (0.5 LU of these bare tones), so compare the rise.
    rise = encoded[12.0] - encoded[0.0]
    assert abs(rise - (predicted[12.0] - predicted[0.0])) <= 0.2, (encoded, predicted)
