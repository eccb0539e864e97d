"""hibari, an offline neural engine (the optional extra `narrator[hibari]`).

Its `heart` voice (female, US English, 24 kHz) is the clearest offline voice measured
here: Whisper tiny.en word error rate 0.023 on the seed, 0.02 CPU seconds per second of
speech. The model ships inside the package. hibari's other voices download on first use,
and nothing may download at run time, so only voices already on disk are offered.
Pitch is shifted after synthesis (`synth.py`); rate is hibari's own speed.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import threading
from typing import Any, ClassVar, Final

from narrator import audio
from narrator.errors import EngineError, MissingTool
from narrator.model import Clip, Gender, Voice, VoiceInfo

INSTALL_HINT: Final = "install it: .venv/bin/pip install 'narrator[hibari]'"
DEFAULT_VOICE: Final = "heart"
REFERENCE_RATE: Final = 165
"""Words per minute at hibari's natural speed (1.0)."""
_THREADS: Final = 1
"""Each worker process runs one model on one thread; the workers fill the cores."""


class HibariEngine:
    """Speaks with hibari's ONNX model, loaded once per engine and voice."""

    name: ClassVar[str] = "hibari"
    family: ClassVar[str] = "hibari"
    native_pitch: ClassVar[bool] = False
    threads_itself: ClassVar[bool] = False

    def __init__(self) -> None:
        if not offered():
            raise MissingTool("the hibari engine is not installed", INSTALL_HINT)
        self._lock = threading.Lock()
        self._models: dict[str, Any] = {}

    @staticmethod
    def offers(name: str) -> bool:
        return name == DEFAULT_VOICE and offered()

    @functools.cached_property
    def _registry(self) -> dict[str, dict[str, Any]]:
        """hibari's voices (importing hibari costs ~0.1 s: not for asking its version)."""
        from hibari.voices import VOICES

        return dict(VOICES)

    @functools.cached_property
    def version(self) -> str:
        return f"hibari-tts {importlib.metadata.version('hibari-tts')}"

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(name, f"{info.get('accent', '')} {info.get('gender', '')}".strip(),
                      str(info.get("language", "en")).lower(), _gender(info), "natural")
            for name, info in sorted(self._registry.items())
            if _on_disk(name)
        ]  # fmt: skip

    def check_voice(self, voice: Voice) -> str | None:
        name = voice.name or DEFAULT_VOICE
        if name not in self._registry:
            return f"hibari has no voice '{name}' (it has: {', '.join(sorted(self._registry))})"
        if not _on_disk(name):
            return (
                f"hibari's voice '{name}' is not on this machine and would be downloaded; "
                f"use '{DEFAULT_VOICE}', which ships with it"
            )
        return None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        model = self._model(voice.name or DEFAULT_VOICE)
        with self._lock:
            samples = model(text, speed=max(voice.rate, 1) / REFERENCE_RATE, seed=0)
        return audio.float_pcm(samples * min(voice.volume, 2.0), int(model.sample_rate))

    def _model(self, name: str) -> Any:
        problem = self.check_voice(Voice("hibari", name, REFERENCE_RATE, 50, 1.0))
        if problem is not None:
            raise EngineError(problem)
        with self._lock:
            model = self._models.get(name)
            if model is None:
                from hibari import Hibari

                model = self._models[name] = Hibari(voice=name, threads=_THREADS)
            return model


def offered() -> bool:
    """Whether hibari is installed (looked up without importing it)."""
    return importlib.util.find_spec("hibari") is not None


def _on_disk(name: str) -> bool:
    from hibari.voices import voice_path

    try:
        voice_path(name, download_missing=False)
    except (FileNotFoundError, ValueError):
        return False
    return True


def _gender(info: dict[str, Any]) -> Gender:
    gender = str(info.get("gender", "")).lower()
    return "female" if gender == "female" else "male" if gender == "male" else "unknown"
