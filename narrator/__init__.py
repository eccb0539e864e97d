"""narrator: a chapter of fiction in, a full-cast audiobook chapter out."""

from narrator.model import (
    Book,
    Chapter,
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
    "Book",
    "Chapter",
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
