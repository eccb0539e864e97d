"""Voices matched in loudness: each voice's gain, measured once and kept in the cache."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import math
import os
from dataclasses import astuple
from typing import TYPE_CHECKING, Final

from narrator import audio
from narrator.voices.cache import CACHE_FORMAT
from narrator.voices.synth import render

if TYPE_CHECKING:
    from collections.abc import Iterable

    from narrator.model import Voice
    from narrator.voices.cache import ClipCache
    from narrator.voices.engines import EngineSet

MAX_GAIN_DB: Final = 60.0
"""No voice needs more gain than this either way; a stored value beyond it is damage."""
CALIBRATION: Final = (
    "The quick brown fox jumps over the lazy dog.",
    "Is it really you?",
    "I can hardly believe it!",
    "We walked home slowly, talking about everything and nothing, until the lights came on.",
    "She walked over to the window and looked out at the rain.",
    "You should get some sleep, okay?",
    "No. I'm not going anywhere until you tell me what happened.",
    "He shrugged, staring at the table, and said nothing for a long time.",
    "Hey, wait up!",
    "Well, I guess that's it, then.",
)
"""What a voice's loudness is measured on: statements, questions, exclamations, short and
long lines, narration and speech. In the seed chapter, built with hibari, festival and
Piper voices, each speaker comes within 0.5 LU of the narrator (Izzie +0.2, Alex +0.5,
Meredith 0.0; the first four lines alone left 0.6-0.8 LU, one engine too loud and
another too quiet)."""


_WITHIN: Final = 0.1
"""How near the target a gain is found (ebur128 reports to 0.1 LU)."""
_MEASUREMENTS: Final = 6
"""At most this many measurements a voice (the natural voices take 4 to 6)."""
_METHOD: Final = 3
"""How a gain is measured, in the key it is stored under: a gain measured another way
(1: one refinement; 2: through a limiter at four times the rate) is measured again."""


def voice_gains(
    voices: Iterable[Voice], cache: ClipCache, engines: EngineSet
) -> dict[Voice, float]:
    """For each voice, the gain in dB that brings it to the target loudness.

    Measured once per voice on `CALIBRATION` (ffmpeg's ebur128) and kept in the cache,
    so every voice of a book speaks at the same loudness and no chapter waits for all its
    clips before it can be encoded.
    """
    gains: dict[Voice, float] = {}
    unmeasured: dict[Voice, str] = {}
    for voice in set(voices):
        engine = engines[voice.engine]
        material = json.dumps(
            [CACHE_FORMAT, _METHOD, engine.name, engine.version, astuple(voice), CALIBRATION]
        )
        name = f"loudness/{hashlib.sha256(material.encode()).hexdigest()}.json"
        stored = cache.read_json(name)
        try:
            gain = float(stored["gain_db"])  # type: ignore[index]
        except (KeyError, TypeError, ValueError, OverflowError):
            gain = math.nan
        if math.isfinite(gain) and abs(gain) <= MAX_GAIN_DB:
            gains[voice] = gain
        else:  # absent, or damaged (NaN, 200 dB): measured again
            unmeasured[voice] = name
    if not unmeasured:
        return gains
    # Rendering stays in this thread (an engine is not shared across threads); ffmpeg's
    # measurements, most of the time, run side by side.
    speech = {voice: _calibration_audio(voice, engines) for voice in unmeasured}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        measured = dict(zip(speech, pool.map(_calibrate, speech.values()), strict=True))
    for voice, name in unmeasured.items():
        gains[voice] = measured[voice]
        cache.write_json(name, {"gain_db": gains[voice], "voice": astuple(voice)})
    return gains


def _calibration_audio(voice: Voice, engines: EngineSet) -> bytes:
    """`CALIBRATION` in `voice`, its lines apart by short pauses."""
    engine = engines[voice.engine]
    pause = audio.silence(200)
    return b"".join(render(engine, line, voice).samples + pause for line in CALIBRATION)


def _calibrate(pcm: bytes) -> float:
    """The gain that brings the voice to the target through the encoder's limiter.

    The limiter takes some loudness with the peaks it shaves, the more the louder the
    voice is made, so the gain is found by the secant method on what the limiter leaves
    (to `_WITHIN` LU, in at most `_MEASUREMENTS` measurements). One refinement was not
    enough: Piper's joe, whose peaks stand 21 dB above his loudness against 17 for the
    other voices, ended 1.2-1.6 LU under the target on text outside `CALIBRATION`; at
    the converged gain, within 0.1 LU of it (the others within 0.6 LU either way)."""
    gain = audio.TARGET_LUFS - audio.integrated_lufs(pcm)
    missing = audio.TARGET_LUFS - audio.integrated_lufs(pcm, gain_db=gain)
    slope = 1.0  # LU per dB: 1 where the limiter takes nothing
    for _ in range(_MEASUREMENTS - 2):
        if abs(missing) <= _WITHIN:
            break
        step = missing / slope
        gain += step
        still = audio.TARGET_LUFS - audio.integrated_lufs(pcm, gain_db=gain)
        # ebur128 reports to 0.1 LU: a slope from steps that small would be mostly noise.
        if abs(missing - still) >= 0.2:
            slope = min(1.0, max(0.1, (missing - still) / step))
        missing = still
    return gain
