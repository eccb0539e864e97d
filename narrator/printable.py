"""Text made safe for what it is written into: XML (the feed), ID3 and MP4 tags,
ffmetadata, WebVTT. One place, so no single character in a title, a summary or a name can
break a file format, and with it every later build of the folder.

Whitespace controls (tab, vertical tab from Word, form feed, line and paragraph
separators) become spaces; other control characters, lone surrogates and Unicode
non-characters, which XML 1.0 forbids and players mangle, are dropped.
"""

from __future__ import annotations

import re
from typing import Final

_AS_SPACE: Final = re.compile(r"[\t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]")
_DROPPED: Final = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def printable(text: str, *, lines: bool = False) -> str:
    """`text` without what breaks file formats; on one line unless `lines` (then line
    breaks are kept and only the other controls become spaces)."""
    if lines:
        kept = _DROPPED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        return "\n".join(_AS_SPACE.sub(" ", line) for line in kept.split("\n"))
    return " ".join(_AS_SPACE.sub(" ", _DROPPED.sub("", text)).split())


def printable_or_none(text: str | None) -> str | None:
    """`printable(text)`, and None for None or for nothing left."""
    if text is None:
        return None
    return printable(text) or None
