"""Chapter sources: plain text, Markdown, HTML (AO3 and FanFiction.Net downloads) and EPUB.

Each reader turns a file into one or more `Part`s of plain text laid out as narrator reads
a text chapter: labelled front matter ("Title: ...", "Summary: ..."), the chapter's
heading, paragraphs between blank lines, scene breaks as "* * *", end notes. `ingest` then
treats every source alike, and a plain text file is passed through untouched, so offsets
in `narrator script` point into the file itself. For the other formats they point into
the part's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from narrator.errors import InputError
from narrator.text.formats import epub, html, markdown, text
from narrator.text.formats.document import Part

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

READERS: Final[dict[str, Callable[[Path], list[Part]]]] = {
    ".txt": text.read,
    ".text": text.read,
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".html": html.read,
    ".htm": html.read,
    ".xhtml": html.read,
    ".epub": epub.read,
}
SUFFIXES: Final = tuple(READERS)


def read_parts(path: Path) -> list[Part]:
    """The chapters in a source file, in reading order."""
    reader = READERS.get(path.suffix.lower())
    if reader is None or not path.is_file():
        text.read_bytes(path)  # Says what is wrong with a path that is not a file.
    if reader is None:
        raise InputError(
            f"{path}: narrator cannot read {path.suffix or 'files without a suffix'}",
            "give a .txt, .md, .html or .epub file",
        )
    return reader(path)


__all__ = ["SUFFIXES", "Part", "read_parts"]
