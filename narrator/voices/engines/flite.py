"""flite, CMU's small engine with its voices built in (Debian: flite).

Measured here (Whisper tiny.en WER on the seed): rms (male, US) 0.067, awb (male,
Scottish) 0.090, slt (female, US) 0.114, kal16 (male) 0.114; 16 kHz; 0.015 CPU seconds
per second of speech. flite starts in milliseconds, so it runs once per sentence.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from pathlib import Path
from typing import ClassVar, Final

from narrator.errors import EngineError, MissingTool
from narrator.model import Clip, Gender, Voice, VoiceInfo
from narrator.voices.engines.speech_text import ascii_speech
from narrator.voices.engines.tool import run_tool
from narrator.voices.engines.wav import wav_clip

INSTALL_HINT: Final = "install it: sudo apt-get install flite"
DEFAULT_VOICE: Final = "rms"
REFERENCE_RATE: Final = 165
"""Words per minute at a voice's natural duration."""

_KNOWN: Final[dict[str, tuple[Gender, str, str]]] = {
    "rms": ("male", "clear", "US"),
    "awb": ("male", "fair", "Scottish"),
    "slt": ("female", "fair", "US"),
    "kal16": ("male", "fair", "US"),
    "kal": ("male", "fair", "US, 8 kHz"),
}
_LIMITED: Final = frozenset({"awb_time"})
"""Voices that only say the time."""


class FliteEngine:
    """Runs `flite` once per clip, text from a file, WAV to a file."""

    name: ClassVar[str] = "flite"
    family: ClassVar[str] = "flite"
    native_pitch: ClassVar[bool] = False
    threads_itself: ClassVar[bool] = False

    def __init__(self) -> None:
        found = shutil.which("flite")
        if found is None:
            raise MissingTool("flite not found on PATH", INSTALL_HINT)
        self._binary = found

    @staticmethod
    def offers(name: str) -> bool:
        return shutil.which("flite") is not None and name in _KNOWN

    @functools.cached_property
    def version(self) -> str:
        out = self._run(["--version"], check=False).decode("utf-8", "replace")
        match = re.search(r"flite-([\w.-]+)", out)
        return f"flite {match.group(1) if match else out.strip()}"

    @functools.cached_property
    def installed(self) -> tuple[str, ...]:
        """The voice names `flite -lv` lists, less those that only tell the time."""
        out = self._run(["-lv"]).decode("utf-8", "replace")
        names = out.partition(":")[2].split()
        return tuple(n for n in names if n not in _LIMITED)

    def voices(self) -> list[VoiceInfo]:
        out = []
        for name in self.installed:
            gender, tier, description = _KNOWN.get(name, ("unknown", "", name))
            out.append(VoiceInfo(name, description, "en", gender, tier))
        return out

    def check_voice(self, voice: Voice) -> str | None:
        name = voice.name or DEFAULT_VOICE
        if name not in self.installed:
            return f"flite has no voice '{name}' (it has: {', '.join(self.installed)})"
        return None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        problem = self.check_voice(voice)
        if problem is not None:
            raise EngineError(problem)
        speech = ascii_speech(text)
        stretch = REFERENCE_RATE / max(voice.rate, 1)
        with tempfile.TemporaryDirectory(prefix="narrator-flite-") as folder:
            source, target = Path(folder) / "in.txt", Path(folder) / "out.wav"
            source.write_text(speech + "\n", encoding="ascii")
            self._run([
                "-voice", voice.name or DEFAULT_VOICE,
                "--setf", f"duration_stretch={stretch:.4f}",
                "-f", str(source), "-o", str(target),
            ])  # fmt: skip
            return wav_clip(target.read_bytes())

    def _run(self, args: list[str], *, check: bool = True) -> bytes:
        """flite's stdout; `check`: a failure is an error (`--version` exits 1)."""
        return run_tool([self._binary, *args], tool="flite", hint=INSTALL_HINT, check=check)
