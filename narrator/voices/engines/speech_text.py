"""Text for the engines whose front ends read ASCII (festival, flite)."""

from __future__ import annotations

import unicodedata
from typing import Final

_PLAIN: Final = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2013": ", ", "\u2014": ", ", "\u2015": ", ", "\u2026": "...",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)  # fmt: skip


def ascii_speech(text: str) -> str:
    """`text` in ASCII: typographic quotes, dashes and ellipses in their plain forms,
    accents taken off letters (café -> cafe), whitespace as single spaces, and what has
    no ASCII form dropped. These front ends read UTF-8 bytes as Latin-1 and spell out
    what they do not know, letter by letter."""
    plain = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    kept = "".join(c for c in plain if c.isascii() and (c.isprintable() or c.isspace()))
    return " ".join(kept.split())
