"""Cast: turn each speaker into concrete voice settings, explicit or chosen automatically."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

from narrator.errors import EngineError
from narrator.model import NARRATOR, UNKNOWN, Config, Gender, Voice, VoiceSettings
from narrator.voices.engines import ENGINES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from narrator.voices.engines import EngineSet

_LOGGER = logging.getLogger(__name__)

NARRATOR_RATE: Final = 165
CHARACTER_RATE: Final = 175
DEFAULT_PITCH: Final = 50
DEFAULT_VOLUME: Final = 1.0

Palette = tuple[tuple[str, int], ...]

# espeak-ng voices (base+variant, pitch) chosen so that neighbours differ in accent,
# median pitch or brightness by 10% or more (measured in tests/test_voices.py).
NARRATOR_VOICE: Final = ("en-us", 50)
UNKNOWN_VOICE: Final = ("en-gb-x-rp+m1", 45)
PALETTES: Final[Mapping[Gender, Palette]] = {
    "female": (
        ("en-us+f3", 55),
        ("en-us+f4", 35),
        ("en-gb-x-rp+f2", 45),
        ("en-us+Annie", 60),
        ("en-us+linda", 40),
        ("en-gb-scotland+f4", 50),
        ("en-us+f5", 70),
    ),
    "male": (
        ("en-us+m3", 70),
        ("en-us+m7", 20),
        ("en-gb-x-rp+m1", 62),
        ("en-us+m2", 40),
        ("en-gb-scotland+m4", 80),
        ("en-029+m6", 45),
    ),
    "unknown": (
        ("en-us+f1", 50),
        ("en-029+m6", 60),
        ("en-gb-x-rp+f1", 40),
        ("en-gb-scotland+m6", 55),
    ),
}
# Piper: one installed model (""), told apart by pitch shifted after synthesis.
PIPER_NARRATOR: Final = ("", 50)
PIPER_UNKNOWN: Final = ("", 44)
PIPER_PALETTES: Final[Mapping[Gender, Palette]] = {
    "female": (("", 80), ("", 90), ("", 72), ("", 96)),
    "male": (("", 36), ("", 60), ("", 28), ("", 66)),
    "unknown": (("", 64), ("", 40), ("", 56)),
}
_PITCH_STEP: Final = 12
"""When a palette runs out it is reused with the pitch moved by this much per round."""


def assign_voices(config: Config, engine: str | None = None) -> dict[str, Voice]:
    """A voice for "narrator", "unknown" and every character, the same on every run.

    Settings written in voices.yaml win. A character without a voice gets the first
    voice of its gender's palette that no one else uses, in the order the cast file
    lists them, so adding a character at the end never changes anyone else's voice.
    `engine`, when given, replaces the engine of every voice (`build --engine`).
    """
    default_engine = engine or config.engine
    taken = {
        (s.name, s.pitch if s.pitch is not None else DEFAULT_PITCH)
        for s in (config.narrator, config.unknown, *(c.voice for c in config.characters))
        if s.name is not None
    }
    voices = {
        NARRATOR: _concrete(
            config.narrator, _defaults(config.narrator, default_engine, engine)[0],
            NARRATOR_RATE, default_engine, engine,
        ),
        UNKNOWN: _concrete(
            config.unknown, _defaults(config.unknown, default_engine, engine)[1],
            CHARACTER_RATE, default_engine, engine,
        ),
    }  # fmt: skip
    taken |= {(v.name, v.pitch) for v in voices.values()}
    for character in config.characters:
        automatic = None
        if character.voice.name is None and character.voice.model is None:
            palette = _defaults(character.voice, default_engine, engine)[2][character.gender]
            automatic = _next_free(palette, taken)
            taken.add(automatic)
        voices[character.name] = _concrete(
            character.voice,
            automatic or ("", DEFAULT_PITCH),
            CHARACTER_RATE,
            default_engine,
            engine,
        )
    return voices


def _defaults(
    settings: VoiceSettings, default_engine: str, override: str | None
) -> tuple[tuple[str, int], tuple[str, int], Mapping[Gender, Palette]]:
    """Narrator voice, unknown voice and palettes for the engine family a voice uses."""
    engine_class = ENGINES.get(override or settings.engine or default_engine)
    if engine_class is not None and engine_class.family == "piper":
        return PIPER_NARRATOR, PIPER_UNKNOWN, PIPER_PALETTES
    return NARRATOR_VOICE, UNKNOWN_VOICE, PALETTES


def _next_free(palette: Palette, taken: set[tuple[str, int]]) -> tuple[str, int]:
    for round_ in range(100):
        shift = _PITCH_STEP * ((round_ + 1) // 2) * (1 if round_ % 2 else -1)
        for name, pitch in palette:
            candidate = (name, max(0, min(100, pitch + shift)))
            if candidate not in taken:
                return candidate
    return palette[0]


def _concrete(
    settings: VoiceSettings,
    automatic: tuple[str, int],
    rate: int,
    default_engine: str,
    override: str | None,
) -> Voice:
    name = settings.name or ("" if settings.model else automatic[0])
    return Voice(
        engine=override or settings.engine or default_engine,
        name=name,
        rate=settings.rate if settings.rate is not None else rate,
        pitch=(
            settings.pitch
            if settings.pitch is not None
            else (
                automatic[1] if settings.name is None and settings.model is None else DEFAULT_PITCH
            )
        ),
        volume=settings.volume if settings.volume is not None else DEFAULT_VOLUME,
        model=settings.model,
        speaker=settings.speaker,
    )


def check_voices(config: Config, voices: Mapping[str, Voice], engines: EngineSet) -> None:
    """Fail early, naming the voices.yaml line, for a voice its engine does not have."""
    origins = {NARRATOR: config.narrator.origin, UNKNOWN: config.unknown.origin}
    origins |= {c.name: c.voice.origin for c in config.characters}
    checked: dict[Voice, str | None] = {}
    for speaker, voice in voices.items():
        if voice not in checked:
            checked[voice] = engines[voice.engine].check_voice(voice)
        problem = checked[voice]
        if problem is not None:
            where = origins.get(speaker) or f"{config.source}: {speaker}"
            raise EngineError(
                f"{where}: {problem}",
                f"run 'narrator voices --engine {voice.engine}' for the names you can use",
            )
