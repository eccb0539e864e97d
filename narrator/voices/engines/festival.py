"""Festival, with its HTS and diphone voices (Debian: festival, festvox-us-slt-hts, ...).

`cmu_us_slt_arctic_hts` (female, US, 32 kHz) is the clearest voice after hibari's and
Piper's measured here (Whisper tiny.en WER 0.054). Festival takes ~0.2 s to start and
load a voice, more than most sentences take to speak, so each engine keeps one festival
process and feeds it one sentence at a time: the voice is chosen once, each sentence is
written to a WAV file, and a marker printed after it says it is done.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import ClassVar, Final

from narrator.errors import EngineError, MissingTool
from narrator.interrupts import start_child
from narrator.model import Clip, Gender, Voice, VoiceInfo
from narrator.voices.engines.speech_text import ascii_speech
from narrator.voices.engines.tool import TIMEOUT_S, run_tool
from narrator.voices.engines.wav import wav_clip

INSTALL_HINT: Final = "install it: sudo apt-get install festival festvox-us-slt-hts"
DEFAULT_VOICE: Final = "cmu_us_slt_arctic_hts"
REFERENCE_RATE: Final = 165
"""Words per minute at a voice's natural duration."""
VOICE_FOLDERS: Final = (
    Path("/usr/share/festival/voices"),
    Path("/usr/local/share/festival/voices"),
)

# What is known of the voices Debian packages (the folder names tell nothing of them).
_KNOWN: Final[dict[str, tuple[Gender, str, str]]] = {
    "cmu_us_slt_arctic_hts": ("female", "clear", "US, HTS"),
    "cmu_us_bdl_arctic_hts": ("male", "clear", "US, HTS"),
    "cmu_us_jmk_arctic_hts": ("male", "clear", "Canadian, HTS"),
    "cmu_us_awb_arctic_hts": ("male", "clear", "Scottish, HTS"),
    "cmu_us_clb_arctic_hts": ("female", "clear", "US, HTS"),
    "cmu_us_rms_arctic_hts": ("male", "clear", "US, HTS"),
    "kal_diphone": ("male", "fair", "US, diphone"),
    "ked_diphone": ("male", "fair", "US, diphone"),
    "rab_diphone": ("male", "fair", "British, diphone"),
    "don_diphone": ("male", "fair", "British, diphone"),
    "el_diphone": ("male", "fair", "Spanish, diphone"),
}
_NAME: Final = re.compile(r"[A-Za-z0-9_]+")


class FestivalEngine:
    """One festival process per engine, fed a sentence at a time."""

    name: ClassVar[str] = "festival"
    family: ClassVar[str] = "festival"
    native_pitch: ClassVar[bool] = False
    threads_itself: ClassVar[bool] = False

    def __init__(self) -> None:
        found = shutil.which("festival")
        if found is None or not installed_voices():
            raise MissingTool("festival or its voices are not installed", INSTALL_HINT)
        self._binary = found
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._selected: tuple[str, int] | None = None
        self._folder = Path(tempfile.mkdtemp(prefix="narrator-festival-"))
        self._count = 0

    @staticmethod
    def offers(name: str) -> bool:
        return shutil.which("festival") is not None and name in installed_voices()

    @functools.cached_property
    def version(self) -> str:
        said = run_tool([self._binary, "--version"], tool="festival", hint=INSTALL_HINT)
        out = said.decode("utf-8", "replace")
        match = re.search(r"System:\s*([\d.]+)", out)
        voices = ",".join(sorted(installed_voices()))
        return f"festival {match.group(1) if match else out.strip()} ({voices})"

    def voices(self) -> list[VoiceInfo]:
        out = []
        for name in sorted(installed_voices()):
            gender, tier, description = _KNOWN.get(name, ("unknown", "", ""))
            language = "es" if name.startswith("el_") else "en"
            out.append(VoiceInfo(name, description or name, language, gender, tier))
        return out

    def check_voice(self, voice: Voice) -> str | None:
        name = voice.name or DEFAULT_VOICE
        voices = installed_voices()
        if name not in voices:
            listed = ", ".join(sorted(voices)) or "none"
            return f"festival has no voice '{name}' here (installed: {listed})"
        return None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        problem = self.check_voice(voice)
        if problem is not None:
            raise EngineError(problem)
        speech = ascii_speech(text).replace("\\", " ").replace('"', "")
        if not speech:
            return Clip(b"", 16_000)
        with self._lock:
            self._count += 1
            self._folder.mkdir(exist_ok=True)  # again after close()
            out = self._folder / f"{self._count}.wav"
            commands = self._select(voice)
            commands.append(
                f'(utt.save.wave (utt.synth (Utterance Text "{speech}")) "{out}" (quote riff))'
            )
            self._send(commands, marker=f"narrator-{self._count}")
            try:
                wav = out.read_bytes()
            except OSError as exc:
                raise EngineError(f"festival wrote no audio: {exc.strerror}") from None
            out.unlink(missing_ok=True)
        return wav_clip(wav)

    def close(self) -> None:
        """Ends the festival process and removes its folder."""
        with self._lock:
            if self._process is not None:
                self._stop()
            shutil.rmtree(self._folder, ignore_errors=True)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def _select(self, voice: Voice) -> list[str]:
        """The commands that make `voice` (and its rate) the one speaking."""
        name = voice.name or DEFAULT_VOICE
        if self._selected == (name, voice.rate) and self._process is not None:
            return []
        self._selected = (name, voice.rate)
        speed = max(voice.rate, 1) / REFERENCE_RATE
        commands = [f"(voice_{name})", f"(Parameter.set 'Duration_Stretch {1 / speed:.4f})"]
        if name.endswith("_hts"):  # HTS voices ignore Duration_Stretch: hts_engine's -r
            extra = f'(list (list "-r" {speed:.4f}))'
            commands.append(f"(set! hts_engine_params (append hts_engine_params {extra}))")
        return commands

    def _send(self, commands: list[str], marker: str) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            self._stop()  # closes a dead process's pipes
            process = self._start()
            self._selected = None
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            process.stdin.write(("\n".join([*commands, f'(print "{marker}")']) + "\n").encode())
            process.stdin.flush()
        except OSError:
            self._stop()
            raise EngineError("festival stopped unexpectedly", "run with --verbose") from None
        self._await(process, marker.encode())

    def _await(self, process: subprocess.Popen[bytes], marker: bytes) -> None:
        assert process.stdout is not None
        fd = process.stdout.fileno()
        seen = b""
        while marker not in seen:
            ready, _, _ = select.select([fd], [], [], TIMEOUT_S)
            chunk = os.read(fd, 65536) if ready else b""
            if not chunk:
                self._stop()
                why = "stopped unexpectedly" if ready else f"gave no answer in {TIMEOUT_S:.0f} s"
                raise EngineError(f"festival {why}", "run with --verbose to see more")
            seen = seen[-len(marker) :] + chunk

    def _start(self) -> subprocess.Popen[bytes]:
        # festival buffers what it prints when that is a pipe: stdbuf makes it line by line,
        # so the marker arrives when the sentence is done.
        stdbuf = shutil.which("stdbuf")
        command = [*([stdbuf, "-oL"] if stdbuf else []), self._binary, "--pipe"]
        self._process = start_child(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):  # a dead process's pipe
                process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def installed_voices() -> set[str]:
    """Festival voices on this machine: folders `<voices>/<language>/<voice>/festvox`."""
    found = set()
    for folder in VOICE_FOLDERS:
        if folder.is_dir():
            found |= {
                voice.name
                for voice in folder.glob("*/*")
                if (voice / "festvox").is_dir() and _NAME.fullmatch(voice.name)
            }
    return found
