"""What every reader produces: a chapter as narrator's plain text, and how it is laid out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

SCENE_BREAK: Final = "* * *"
NOTE_LABELS: Final = {
    "summary": "Summary",
    "chapter summary": "Chapter Summary",
    "notes": "Notes",
    "note": "Notes",
    "chapter notes": "Notes",
    "author's note": "Author's Note",
    "author's notes": "Author's Note",
    "a/n": "Author's Note",
    "end notes": "End Notes",
    "chapter end notes": "End Notes",
    "disclaimer": "Disclaimer",
}
"""Labels of notes in downloads (AO3's "Chapter Notes", ...) as narrator's ingest reads them."""


@dataclass(frozen=True, slots=True)
class Part:
    """One chapter from a source file."""

    text: str
    """Plain text: labelled front matter, heading, paragraphs, end notes."""
    title: str | None = None
    """The chapter's title when the source names it (a table of contents, a heading)."""
    cover: bytes | None = None
    """The book's cover image as the source carries it (EPUB)."""


@dataclass(slots=True)
class DraftChapter:
    """A chapter being put together by a reader."""

    title: str | None = None
    front: list[tuple[str, str]] = field(default_factory=list)
    """(label, text) notes before the story: summary, chapter notes."""
    body: list[str] = field(default_factory=list)
    """Paragraphs, with SCENE_BREAK between scenes."""
    end: list[tuple[str, str]] = field(default_factory=list)

    def has_story(self) -> bool:
        return any(paragraph != SCENE_BREAK for paragraph in self.body)


@dataclass(frozen=True, slots=True)
class SourceBook:
    """What a source says about the whole book."""

    title: str | None = None
    author: str | None = None
    summary: str | None = None
    notes: tuple[tuple[str, str], ...] = ()


def compose(book: SourceBook, chapter: DraftChapter, cover: bytes | None = None) -> Part:
    """The chapter as narrator's plain text: the book's and the chapter's notes first,
    then its heading and paragraphs, then its end notes."""
    lines: list[str] = []
    if book.title:
        lines.append(f"Title: {one_line(book.title)}")
    if book.author:
        lines.append(f"Author: {one_line(book.author)}")
    if book.summary:
        lines.append(f"Summary: {one_line(book.summary)}")
    lines += [f"{label}: {one_line(text)}" for label, text in [*book.notes, *chapter.front]]
    body = _trim_breaks(chapter.body)
    if chapter.title and (not body or one_line(body[0]) != one_line(chapter.title)):
        lines.append(one_line(chapter.title))
    lines += body
    lines += [f"{label}: {one_line(text)}" for label, text in chapter.end]
    return Part("\n\n".join(lines) + "\n", chapter.title, cover)


Block = tuple[int, str]
"""(heading level, or 0 for a paragraph; its text), SCENE_BREAK for a thematic break."""


def split_chapters(blocks: list[Block], book: SourceBook) -> list[Part]:
    """Chapters from a document's blocks, composed as narrator's text."""
    book, chapters = chapters_from_blocks(blocks, book)
    return [compose(book, chapter) for chapter in chapters]


def chapters_from_blocks(
    blocks: list[Block], book: SourceBook
) -> tuple[SourceBook, list[DraftChapter]]:
    """The chapters with story in them, and the book as what precedes them tells it.

    The headings of the highest level that occurs at least twice start chapters; a heading
    above them before the first is the book's title; text before the first chapter with
    no story in it is the book's preface (its summary becomes the book's)."""
    levels = Counter(level for level, _ in blocks if level)
    split = min((level for level, count in levels.items() if count >= 2), default=None)
    chapters: list[DraftChapter] = []
    current = DraftChapter()
    for level, text in blocks:
        if split is not None and level == split:
            if current.has_story() or current.title:
                chapters.append(current)
            current = DraftChapter(title=text)
        elif level and split is not None and level < split and not chapters:
            if book.title is None:
                book = SourceBook(text, book.author, book.summary, book.notes)
        elif level and current.title is None and not current.has_story():
            current.title = text
        else:
            current.body.append(text)
    chapters.append(current)
    for chapter in chapters:
        lift_notes(chapter)
    if len(chapters) > 1 and not chapters[0].has_story():
        book = with_preface(book, chapters.pop(0))
    return book, [chapter for chapter in chapters if chapter.has_story()]


def one_line(text: str) -> str:
    return " ".join(text.split())


def label_key(text: str) -> str:
    """A heading as a label is looked up: one line, lower case, no colon or full stop at
    the end, typographic apostrophes plain ("Author’s Notes:" -> "author's notes")."""
    return re.sub(r"[\s:.]+$", "", one_line(text)).lower().replace("\u2019", "'")


def note_label(text: str) -> str | None:
    """narrator's label for a heading such as "Chapter Notes" or "Summary:", else None."""
    return NOTE_LABELS.get(label_key(text))


_LABELLED: Final = re.compile(
    r"^(summary|chapter summary|(?:chapter )?notes?|author'?s? notes?|a/n|(?:chapter )?end notes"
    r"|disclaimer)\s*[:\-\u2013\u2014]\s*(\S.*)$",
    re.IGNORECASE | re.DOTALL,
)


def lift_notes(chapter: DraftChapter) -> None:
    """Move labelled notes ("A/N: ...") at the start of the chapter's body to its front
    matter, and at the end to its end notes, so they are not read as story."""
    while chapter.body and (found := _LABELLED.match(chapter.body[0])):
        chapter.front.append((NOTE_LABELS.get(found.group(1).lower(), "Notes"), found.group(2)))
        chapter.body.pop(0)
    while chapter.body and (found := _LABELLED.match(chapter.body[-1])):
        chapter.end.insert(0, (NOTE_LABELS.get(found.group(1).lower(), "Notes"), found.group(2)))
        chapter.body.pop()


def with_preface(book: SourceBook, preface: DraftChapter) -> SourceBook:
    """The book with the notes of a preface (text before the first chapter) added: its
    summary as the book's, unless the book has one, the rest as notes of every chapter."""
    summary = book.summary
    notes = list(book.notes)
    for label, text in [*preface.front, *preface.end]:
        if label == "Summary" and summary is None:
            summary = text
        else:
            notes.append((label, text))
    return SourceBook(book.title or preface.title, book.author, summary, tuple(notes))


def _trim_breaks(body: list[str]) -> list[str]:
    """Paragraphs without scene breaks at either end or two in a row."""
    kept: list[str] = []
    for paragraph in body:
        if paragraph == SCENE_BREAK and (not kept or kept[-1] == SCENE_BREAK):
            continue
        kept.append(paragraph)
    while kept and kept[-1] == SCENE_BREAK:
        kept.pop()
    return kept
