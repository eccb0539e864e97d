"""The WAV files engines hand back: 16-bit mono PCM, sizes sometimes unset (streamed)."""

from __future__ import annotations

import struct

from narrator.errors import EngineError
from narrator.model import Clip


def wav_clip(wav: bytes) -> Clip:
    """The samples and rate of a 16-bit mono WAV, also when its sizes are unset."""
    if not wav.startswith(b"RIFF") or wav[8:12] != b"WAVE":
        raise EngineError("the engine returned no WAV audio")
    fmt = wav.find(b"fmt ", 12)
    marker = wav.find(b"data", 12)
    if fmt < 0 or marker < 0 or len(wav) < fmt + 24:
        raise EngineError("the engine returned a WAV file without its format or data")
    channels, rate = struct.unpack_from("<HI", wav, fmt + 10)
    bits = struct.unpack_from("<H", wav, fmt + 22)[0]
    if channels != 1 or bits != 16:
        raise EngineError(
            f"the engine returned {channels}-channel {bits}-bit audio, not mono 16-bit"
        )
    data = wav[marker + 8 :]
    return Clip(data[: len(data) - len(data) % 2], rate)
