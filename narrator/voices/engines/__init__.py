"""Speech engines: the `Engine` protocol, the registry of engines by name, and the set of
engines one command has loaded.

An engine is a value: a command loads the engines it needs into an `EngineSet` and passes
it to the stages that speak (each worker process loads its own). Nothing here lives for
the whole process, except what a library allows only once per process (espeak-ng's
library, behind pyttsx3: see `pyttsx3.py`).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, ClassVar, Protocol

from narrator.errors import EngineError
from narrator.voices.engines.espeak import EspeakEngine
from narrator.voices.engines.festival import FestivalEngine
from narrator.voices.engines.flite import FliteEngine
from narrator.voices.engines.hibari import HibariEngine
from narrator.voices.engines.piper import PiperEngine
from narrator.voices.engines.pyttsx3 import Pyttsx3Engine
from narrator.voices.engines.tone import ToneEngine

if TYPE_CHECKING:
    from collections.abc import Iterable

    from narrator.model import Clip, Voice, VoiceInfo


class Engine(Protocol):
    """Turns text into audio in a given voice; nothing more."""

    name: ClassVar[str]
    family: ClassVar[str]
    """Engines of one family share voice names ("espeak" for espeak-ng and pyttsx3)."""
    native_pitch: ClassVar[bool]
    """False when the engine cannot change pitch itself (it is shifted afterwards)."""
    threads_itself: ClassVar[bool]
    """True when one process already uses every core (render in-process, not in workers)."""

    @staticmethod
    def offers(name: str) -> bool:
        """Whether the voice `name` is installed, found without starting the engine (for
        the automatic palette; `check_voice` is the full check)."""
        ...

    @property
    def version(self) -> str:
        """Changes whenever the same text and voice could sound different."""
        ...

    def voices(self) -> list[VoiceInfo]:
        """The voices this engine offers."""
        ...

    def check_voice(self, voice: Voice) -> str | None:
        """None when the voice can be used, else what is wrong with it."""
        ...

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak `text` (a sentence or a paragraph) in `voice`."""
        ...


ENGINES: dict[str, type[Engine]] = {
    "pyttsx3": Pyttsx3Engine,
    "espeak": EspeakEngine,
    "piper": PiperEngine,
    "hibari": HibariEngine,
    "festival": FestivalEngine,
    "flite": FliteEngine,
    "tone": ToneEngine,
}


def speaks_english(voice: VoiceInfo) -> bool:
    """Whether a listed voice is an English one (espeak's variants go with every voice)."""
    language = voice.language.lower()
    return language.startswith("en") or language == "variant"


def get_engine(name: str) -> Engine:
    """A new instance of an engine; `EngineError` for an unknown name, `MissingTool` when
    what it needs is not installed."""
    try:
        engine_class = ENGINES[name]
    except KeyError:
        close = difflib.get_close_matches(name, ENGINES, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "choose one of: " + ", ".join(ENGINES)
        raise EngineError(f"unknown engine '{name}'", hint) from None
    return engine_class()


class EngineSet:
    """The engines one command uses, each loaded when first asked for."""

    def __init__(self) -> None:
        self._loaded: dict[str, Engine] = {}

    def __getitem__(self, name: str) -> Engine:
        engine = self._loaded.get(name)
        if engine is None:
            engine = self._loaded[name] = get_engine(name)
        return engine

    def versions(self, names: Iterable[str]) -> dict[str, str]:
        """Each named engine's version, by name, in name order."""
        return {name: self[name].version for name in sorted(set(names))}
