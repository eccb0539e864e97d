"""A deterministic tone engine: length in proportion to the text; for tests and dry runs."""

from __future__ import annotations

import array
import hashlib
import math
import sys
from typing import ClassVar, Final

from narrator.model import Clip, Voice, VoiceInfo

SAMPLE_RATE: Final = 22_050
_REFERENCE_WPM: Final = 175
_CHAR_SECONDS: Final = 0.05
"""Per character at the reference rate: ~13 characters a second, like speech."""
_PAUSE_SECONDS: Final = {".": 0.2, "!": 0.2, "?": 0.2, ",": 0.1, ";": 0.1, ":": 0.1}


class ToneEngine:
    """Every letter a short tone whose pitch follows the voice; spaces are silence."""

    name: ClassVar[str] = "tone"
    family: ClassVar[str] = "tone"
    native_pitch: ClassVar[bool] = True
    threads_itself: ClassVar[bool] = False
    version: ClassVar[str] = "tone 1"

    @staticmethod
    def offers(name: str) -> bool:
        return True

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(id="any", name="any name gives its own tone", language="-")]

    def check_voice(self, voice: Voice) -> str | None:
        return None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        scale = _REFERENCE_WPM / max(voice.rate, 1)
        base_hz = base_frequency(voice)
        amplitude = 8_000 * min(voice.volume, 2.0)
        out = array.array("h")
        for char in text:
            seconds = _PAUSE_SECONDS.get(char, _CHAR_SECONDS) * scale
            count = round(seconds * SAMPLE_RATE)
            if not char.isalnum():
                out.extend([0] * count)
                continue
            hz = base_hz * (1 + (ord(char.lower()) % 5) / 40)
            step = 2 * math.pi * hz / SAMPLE_RATE
            out.extend(round(amplitude * math.sin(step * i)) for i in range(count))
        if sys.byteorder == "big":
            out.byteswap()
        return Clip(samples=out.tobytes(), sample_rate=SAMPLE_RATE)


def base_frequency(voice: Voice) -> float:
    """The tone a voice speaks in: set by its pitch, moved by its name so voices differ."""
    spread = int.from_bytes(hashlib.sha256(voice.name.encode()).digest()[:2], "big") / 65_535
    return 110.0 * 2 ** (voice.pitch / 50) * (1 + 0.5 * spread)
