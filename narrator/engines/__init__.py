"""Speech engines: the `Engine` protocol and the registry of engines by name."""

from __future__ import annotations

import difflib
import functools
from typing import TYPE_CHECKING, ClassVar, Protocol

from narrator.engines.espeak import EspeakEngine
from narrator.engines.piper import PiperEngine
from narrator.engines.pyttsx3 import Pyttsx3Engine
from narrator.engines.tone import ToneEngine
from narrator.errors import EngineError

if TYPE_CHECKING:
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
    "tone": ToneEngine,
}


@functools.cache
def get_engine(name: str) -> Engine:
    """The process's instance of an engine; `EngineError` for an unknown name, `MissingTool`
    when what it needs is not installed."""
    try:
        engine_class = ENGINES[name]
    except KeyError:
        close = difflib.get_close_matches(name, ENGINES, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "choose one of: " + ", ".join(ENGINES)
        raise EngineError(f"unknown engine '{name}'", hint) from None
    return engine_class()
