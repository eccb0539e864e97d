"""pyttsx3 (espeak-ng's library on Linux) as an engine, made reliable around its faults.

pyttsx3 2.99's espeak driver, as measured in ENGINES.md:

- property changes are queued in espeak's FIFO and the next `runAndWait` cancels them,
  so a clip can come out in the previous clip's voice: we call espeak's `Synchronize`
  after setting them;
- `runAndWait` can return before the WAV is written: we wait for the driver's
  "finished-utterance" notification, which it sends after closing the file;
- very long texts (14,000+ characters) segfault: we never pass it more than
  `MAX_CHARS` at once;
- it prints "Audio saved to ..." on stdout for every clip: we swallow that;
- forking a process after `pyttsx3.init()` hangs: `synth.py` spawns its workers, and
  this module initialises the library only on first use;
- its run loop sleeps 10 ms between polls for clips that take espeak 2-4 ms to make: its
  sleep waits on our finished event instead, so the loop wakes the moment a clip is done
  (31 ms a clip becomes ~4 ms, measured on 100 sentences) without busy polling, which
  lost the core to ffmpeg during a build.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import importlib.metadata
import importlib.util
import io
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any, ClassVar, Final

from narrator.errors import EngineError, MissingTool
from narrator.model import Clip, Gender, Voice, VoiceInfo
from narrator.voices.engines.espeak import INSTALL_HINT, SAMPLE_RATE, EspeakCatalogue

_LOGGER = logging.getLogger(__name__)

MAX_CHARS: Final = 2_000
"""Longest text handed to the driver in one call; longer texts are split at sentence ends."""
_GENDERS: Final[dict[int, Gender]] = {1: "male", 2: "female"}
_FINISH_TIMEOUT_SECONDS: Final = 30.0
_YIELD_SECONDS: Final = 0.0002


class Pyttsx3Engine:
    """Speaks through pyttsx3's espeak driver, one clip at a time."""

    name: ClassVar[str] = "pyttsx3"
    family: ClassVar[str] = "espeak"
    native_pitch: ClassVar[bool] = True
    threads_itself: ClassVar[bool] = False

    def __init__(self) -> None:
        if importlib.util.find_spec("pyttsx3") is None:
            raise MissingTool("pyttsx3 is not installed", "install narrator with its dependencies")
        if ctypes.util.find_library("espeak-ng") is None:
            raise MissingTool("the espeak-ng library (libespeak-ng) was not found", INSTALL_HINT)

    @staticmethod
    def offers(name: str) -> bool:
        return shutil.which("espeak-ng") is not None

    @functools.cached_property
    def version(self) -> str:
        # Asked of the library directly: pyttsx3's driver need not start for this.
        library = ctypes.CDLL(ctypes.util.find_library("espeak-ng"))
        library.espeak_Info.restype = ctypes.c_char_p
        info: bytes = library.espeak_Info(None)
        return f"pyttsx3 {importlib.metadata.version('pyttsx3')}, espeak-ng {info.decode()}"

    @functools.cached_property
    def catalogue(self) -> EspeakCatalogue:
        espeak = _driver().espeak

        def infos(spec: Any) -> list[VoiceInfo]:
            return [
                VoiceInfo(
                    id=v.identifier.decode(),
                    name=v.name.decode(),
                    language=(v.languages or b"\x00?")[1:].decode("utf-8", "replace"),
                    gender=_GENDERS.get(v.gender, "unknown"),
                )
                for v in espeak.ListVoices(spec)
            ]

        return EspeakCatalogue.listed(infos(None), infos(espeak.VOICE(languages=b"variant")))

    def voices(self) -> list[VoiceInfo]:
        return self.catalogue.all_voices()

    def check_voice(self, voice: Voice) -> str | None:
        return self.catalogue.check(voice.name)

    def synthesize(self, text: str, voice: Voice) -> Clip:
        driver = _driver()
        parts = [driver.say(part, voice) for part in _pieces(text, MAX_CHARS)]
        return Clip(samples=b"".join(parts), sample_rate=SAMPLE_RATE)


class _Driver:
    """The process's one pyttsx3 engine (espeak can be initialised once per process)."""

    def __init__(self) -> None:
        import pyttsx3
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers import espeak as espeak_driver

        self.espeak: Any = _espeak
        self._finished = threading.Event()
        # The driver's run loop is `while looping: ...; time.sleep(0.01)`.
        espeak_driver.time = _WakeOnFinish(self._finished)
        self.engine = pyttsx3.init("espeak")
        self.engine.connect("finished-utterance", self._on_finished)
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="narrator-pyttsx3-"))
        self._count = 0

    def _on_finished(self, name: object = None, completed: bool = True) -> None:
        self._finished.set()

    def say(self, text: str, voice: Voice) -> bytes:
        """The samples of `text` spoken in `voice`."""
        with self._lock:
            self._count += 1
            path = self._folder / f"clip-{self._count}.wav"
            engine = self.engine
            engine.setProperty("voice", voice.name)
            engine.setProperty("rate", voice.rate)
            engine.setProperty("pitch", voice.pitch)
            engine.setProperty("volume", voice.volume)
            # Let espeak apply the settings now; the coming runAndWait would cancel them.
            self.espeak.Synchronize()
            self._finished.clear()
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, os.fspath(path))
                engine.runAndWait()
                # runAndWait may return early: the driver notifies once the file is closed.
                if not self._finished.wait(_FINISH_TIMEOUT_SECONDS):
                    raise EngineError(
                        f"pyttsx3 did not finish speaking within {_FINISH_TIMEOUT_SECONDS:g} s",
                        "try --engine espeak",
                    )
            try:
                with wave.open(os.fspath(path), "rb") as wav:
                    samples = wav.readframes(wav.getnframes())
            except (OSError, EOFError, wave.Error) as exc:
                raise EngineError(
                    f"pyttsx3 wrote no usable audio: {exc}", "try --engine espeak"
                ) from None
            finally:
                path.unlink(missing_ok=True)
            return samples

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)


class _WakeOnFinish:
    """Stands in for the `time` module inside pyttsx3's espeak driver: a sleep ends early
    when the utterance has finished."""

    def __init__(self, finished: threading.Event) -> None:
        self._finished = finished

    def sleep(self, seconds: float) -> None:
        if self._finished.is_set():
            # Finished, but the callback thread has yet to end the loop: let it run.
            time.sleep(_YIELD_SECONDS)
        else:
            self._finished.wait(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@functools.cache  # espeak-ng's library can be initialised once per process only
def _driver() -> _Driver:
    import atexit

    driver = _Driver()
    atexit.register(driver.close)
    return driver


_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")


def _pieces(text: str, limit: int) -> list[str]:
    """`text` cut at sentence ends (else at spaces) into pieces of at most `limit` characters."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces
