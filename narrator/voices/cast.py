"""Cast: turn each speaker into concrete voice settings, explicit or chosen automatically."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

from narrator.errors import EngineError
from narrator.model import NARRATOR, UNKNOWN, Config, Gender, Voice, VoiceSettings
from narrator.voices.engines import ENGINES
from narrator.voices.palette import FORCED, NATURAL, Choice, Palette, espeak_palette

if TYPE_CHECKING:
    from collections.abc import Mapping

    from narrator.voices.engines import EngineSet

_LOGGER = logging.getLogger(__name__)

NARRATOR_RATE: Final = 165
CHARACTER_RATE: Final = 175
DEFAULT_PITCH: Final = 50
DEFAULT_VOLUME: Final = 1.0
FALLBACK_ENGINE: Final = "pyttsx3"
"""The engine of a voice named without one, and of the last-resort palette."""

_PITCH_STEP: Final = 16
"""When a palette runs out it is reused with the pitch moved by this much per round."""


def assign_voices(config: Config, engine: str | None = None) -> dict[str, Voice]:
    """A voice for "narrator", "unknown" and every character, the same on every run.

    Settings written in voices.yaml win. A speaker without a voice gets the first voice
    of the palette (its gender's, for a character) that is installed and no one else
    uses, in the order the cast file lists them, so adding a character at the end never
    changes anyone else's voice. Which palette: the engine forced for that voice (its own
    `engine:`, voices.yaml's `engine:`, or `engine` here, which is `build --engine` and
    replaces every voice's engine), else the most natural voices installed
    (`palette.NATURAL`). A voice named for another engine family than the forced one is
    chosen anew from the forced engine's palette.
    """
    settings = {NARRATOR: config.narrator, UNKNOWN: config.unknown}
    settings |= {c.name: c.voice for c in config.characters}
    explicit = {
        speaker: _explicit(s, config.engine, engine, speaker == NARRATOR)
        for speaker, s in settings.items()
        if _keeps_its_voice(s, config.engine, engine)
    }
    taken = {_identity(v) for v in explicit.values()}
    voices: dict[str, Voice] = {}
    roles: list[tuple[str, Gender | None]] = [(NARRATOR, None), (UNKNOWN, None)]
    roles += [(c.name, c.gender) for c in config.characters]
    for speaker, gender in roles:
        rate = NARRATOR_RATE if speaker == NARRATOR else CHARACTER_RATE
        if speaker in explicit:
            voices[speaker] = explicit[speaker]
            continue
        voice_settings = settings[speaker]
        forced = engine or voice_settings.engine or config.engine
        choices = _role(_palette(forced), speaker, gender)
        if forced is None:  # the natural voices installed, else espeak-ng's
            installed = tuple(c for c in choices if _installed(c))
            choices = installed or _role(espeak_palette(FALLBACK_ENGINE), speaker, gender)
        chosen = _next_free(choices, taken)
        voices[speaker] = Voice(
            engine=chosen[0],
            name=chosen[1],
            rate=voice_settings.rate if voice_settings.rate is not None else rate,
            pitch=voice_settings.pitch if voice_settings.pitch is not None else chosen[2],
            volume=voice_settings.volume if voice_settings.volume is not None else DEFAULT_VOLUME,
        )
        taken.add(_identity(voices[speaker]))
    return voices


def _keeps_its_voice(settings: VoiceSettings, default: str | None, forced: str | None) -> bool:
    """Whether a voice written in voices.yaml stands (under `build --engine`, only when
    the forced engine knows its name: the same family)."""
    if settings.name is None and settings.model is None:
        return False
    if forced is None:
        return True
    written = settings.engine or default or FALLBACK_ENGINE
    return _family(written) == _family(forced)


def _explicit(
    settings: VoiceSettings, default: str | None, forced: str | None, narrator: bool
) -> Voice:
    rate = (
        settings.rate
        if settings.rate is not None
        else (NARRATOR_RATE if narrator else CHARACTER_RATE)
    )
    return Voice(
        engine=forced or settings.engine or default or FALLBACK_ENGINE,
        name=settings.name or "",
        rate=rate,
        pitch=settings.pitch if settings.pitch is not None else DEFAULT_PITCH,
        volume=settings.volume if settings.volume is not None else DEFAULT_VOLUME,
        model=settings.model,
        speaker=settings.speaker,
    )


def _identity(voice: Voice) -> tuple[str, str, int]:
    return (_family(voice.engine), voice.name or voice.model or "", voice.pitch)


def _family(engine: str) -> str:
    engine_class = ENGINES.get(engine)
    return engine_class.family if engine_class is not None else engine


def _palette(forced: str | None) -> Palette:
    if forced is None:
        return NATURAL
    return FORCED.get(forced) or FORCED.get(_family(forced)) or espeak_palette(forced)


def _role(palette: Palette, speaker: str, gender: Gender | None) -> tuple[Choice, ...]:
    if speaker == NARRATOR:
        return palette.narrator
    if speaker == UNKNOWN:
        return palette.unknown
    return palette.characters[gender or "unknown"]


def _next_free(choices: tuple[Choice, ...], taken: set[tuple[str, str, int]]) -> Choice:
    """The first choice not taken; when all are, the choices again with their pitches
    moved a step further each round (up, down, two up, ...)."""
    for round_ in range(100):
        shift = _PITCH_STEP * ((round_ + 1) // 2) * (1 if round_ % 2 else -1)
        for engine, name, pitch in choices:
            moved = max(0, min(100, pitch + shift))
            if (_family(engine), name, moved) not in taken:
                return (engine, name, moved)
    return choices[0]


def _installed(choice: Choice) -> bool:
    engine_class = ENGINES.get(choice[0])
    return engine_class is not None and engine_class.offers(choice[1])


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
