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
from narrator.text.formats import archive_text, epub, html, markdown, text
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


def holds_one_chapter(path: Path) -> bool:
    """Whether a source is a single chapter by its kind alone (no need to read it): a plain
    text file that is not an archive's download of a whole work."""
    if READERS.get(path.suffix.lower()) is not text.read:
        return False
    try:
        with path.open("rb") as head:
            start = head.read(8192)
    except OSError:
        return True  # reading it says what is wrong
    return not archive_text.recognise(start.decode("utf-8", "replace"))


__all__ = ["SUFFIXES", "Part", "holds_one_chapter", "read_parts"]
