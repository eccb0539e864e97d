"""narrator: a chapter of fiction in, a full-cast audiobook chapter out.

The pipeline's data types are importable from here (`from narrator import Segment`); they
load on first use, so that starting the command costs nothing before its Ctrl-C handling
is in place (see `narrator.__main__`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from narrator.model import (
        BookSettings,
        Chapter,
        ChapterRef,
        Character,
        Clip,
        Config,
        Note,
        Paragraph,
        Segment,
        Span,
        Voice,
        VoiceInfo,
        VoiceSettings,
    )

__version__ = "0.1.0"

__all__ = [
    "BookSettings",
    "Chapter",
    "ChapterRef",
    "Character",
    "Clip",
    "Config",
    "Note",
    "Paragraph",
    "Segment",
    "Span",
    "Voice",
    "VoiceInfo",
    "VoiceSettings",
    "__version__",
]


def __getattr__(name: str) -> object:
    if name in __all__:
        from narrator import model  # loaded on first use

        return getattr(model, name)
    raise AttributeError(f"module 'narrator' has no attribute {name!r}")
