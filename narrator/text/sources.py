"""Sources: which chapters a command works on, their track numbers, and the book's facts.

A folder's chapter files in natural order; a file of several chapters (EPUB, a Markdown or
HTML book) read once for all of them; the book's title, author and summary decided by one
rule for the tags, the feed and the audiobook alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narrator.errors import InputError
from narrator.model import ChapterRef
from narrator.text.formats import SUFFIXES
from narrator.text.ingest import ingest_all, pick

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from narrator.model import BookSettings, Chapter


def chapter_files(folder: Path) -> list[Path]:
    """The chapter files in a folder, in natural order (chapter-2 before chapter-10)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder", "create it and put chapter .txt files in it")
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES]
    return sorted(files, key=_natural_key)


def _natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def open_chapters(refs: Sequence[ChapterRef], *, read_front_matter: bool) -> list[Chapter]:
    """Every chapter the references name, in their order, each source file read once: a
    whole file of several chapters gives them all, `story.epub#2` the second."""
    read: dict[Path, tuple[Chapter, ...]] = {}
    found: dict[ChapterRef, Chapter] = {}
    for ref in refs:
        if ref.path not in read:
            read[ref.path] = ingest_all(ref.path, read_front_matter=read_front_matter)
        chapters = read[ref.path]
        if ref.part is None and len(chapters) > 1:
            found.update((chapter.ref, chapter) for chapter in chapters)
        else:
            chapter = pick(chapters, ref)
            found[chapter.ref] = chapter
    chapters_found = list(found.values())
    _check_names(chapters_found)
    return chapters_found


def _check_names(chapters: Sequence[Chapter]) -> None:
    """Refuse two chapters that would be built into the same file (`road.epub#1` and
    `road.html#1` are both `road-01.mp3`)."""
    seen: dict[str, Chapter] = {}
    for chapter in chapters:
        other = seen.setdefault(chapter.name, chapter)
        if other is not chapter and _resolved(other.ref) != _resolved(chapter.ref):
            raise InputError(
                f"{other.reference} and {chapter.reference} would both be built into "
                f"{chapter.name}.mp3",
                "rename one of the files",
            )


def _resolved(ref: ChapterRef) -> ChapterRef:
    return ChapterRef(ref.path.resolve(), ref.part)


def track_numbers(chapters: Sequence[Chapter]) -> dict[ChapterRef, int]:
    """Each chapter's track number: its place in its book file, for one chapter of a book
    (`story.epub#3` is track 3); else its place among its folder's chapter files, or among
    the chapters built when it is not in one.

    No total is tagged: a serial grows, and a published episode should not change (nor be
    fetched again) because the next one arrived.
    """
    tracks: dict[ChapterRef, int] = {}
    folders: dict[Path, list[Path]] = {}
    for place, chapter in enumerate(chapters, 1):
        if chapter.part is not None:
            tracks[chapter.ref] = chapter.part
            continue
        resolved = chapter.path.resolve()
        folder = resolved.parent
        if folder not in folders:
            try:
                folders[folder] = [p.resolve() for p in chapter_files(folder)]
            except InputError:
                folders[folder] = []
        siblings = folders[folder]
        tracks[chapter.ref] = siblings.index(resolved) + 1 if resolved in siblings else place
    return tracks


@dataclass(frozen=True, slots=True)
class BookFacts:
    """The book's title, author and summary, as one rule decides them."""

    title: str
    author: str | None = None
    summary: str | None = None


def resolve_book(
    settings: BookSettings, found: Iterable[BookFacts | None], folder: Path
) -> BookFacts:
    """voices.yaml's `book:` first; then what the sources say (a chapter's front matter,
    or the tags of chapters already built), the first that says it; the title falls back
    to the project folder's name."""
    known = [facts for facts in found if facts is not None]
    title = settings.title or next((f.title for f in known if f.title), None)
    return BookFacts(
        title=title or folder.resolve().name,
        author=settings.author or next((f.author for f in known if f.author), None),
        summary=next((f.summary for f in known if f.summary), None),
    )


def chapter_book(chapter: Chapter) -> BookFacts:
    """What a chapter's own front matter says about its book (the title may be empty)."""
    return BookFacts(chapter.source_title or "", chapter.source_author, chapter.summary)
