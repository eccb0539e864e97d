"""Plain-text downloads from fan-fiction archives (AO3, and FanFiction.Net as FanFicFare
and similar tools save it): a header of metadata fields, the work's summary and notes,
then chapters with their own summaries, notes and end notes.

Recognised by structure, not by any story's words: near the top, a run of metadata fields
("Rating:", "Fandom:", "Words:" ...; on one line or with the value on the lines below),
at least three of the fields archives write. Section labels on a line of their own
("Summary", "Notes", "Chapter Notes", "End Notes", "Chapter Text", "Afterword") and the
archive's own lines ("(See the end of the chapter for more notes.)", "Posted originally
on ...", "Please drop by the Archive ...") set the rest apart from the story.

A note runs from its label to the next label or chapter heading; where the story follows
a note with nothing between them, the note is its indented paragraphs (archives indent
quoted notes), or else its first paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from narrator.text.formats.document import (
    DraftChapter,
    Part,
    SourceBook,
    compose,
    label_key,
    lift_notes,
    note_label,
    one_line,
)

_FIELDS: Final = {
    "rating": "rating", "archive warning": "warning", "archive warnings": "warning",
    "category": "category", "categories": "category", "fandom": "fandom", "fandoms": "fandom",
    "relationship": "pairing", "relationships": "pairing", "pairing": "pairing",
    "pairings": "pairing", "character": "characters", "characters": "characters",
    "additional tags": "tags", "freeform": "tags", "language": "language", "series": "series",
    "collections": "collections", "collection": "collections", "stats": "stats",
    "published": "stats", "updated": "stats", "completed": "stats", "packaged": "stats",
    "words": "stats", "chapters": "stats", "status": "status", "genre": "genre",
    "genres": "genre", "publisher": "source", "story url": "source", "author url": "source",
    "source": "source", "title": "title", "author": "author", "summary": "summary",
    "description": "summary",
}  # fmt: skip
"""Metadata fields of archive downloads, by what they mean."""
_FIELD: Final = re.compile(
    r"^\s*(" + "|".join(re.escape(k) for k in sorted(_FIELDS, key=len, reverse=True))
    + r")\s*:\s*(.*)$",
    re.IGNORECASE,
)  # fmt: skip
_STORY_STARTS: Final = frozenset({"chapter text", "work text"})
_AFTERWORD: Final = frozenset({"afterword"})
_PREFACE: Final = frozenset({"preface"})
_ARCHIVE_LINE: Final = re.compile(
    r"^\s*\(?(?:see the end of the (?:chapter|work) for (?:more )?notes\.?"
    r"|posted originally on the .{1,80}? at \S+"
    r"|please drop by the (?:archive|site) and comment.*"
    r"|works? inspired by this one:?.*"
    r"|exported with the assistance of .*"
    r"|end file\.?)\)?\.?\s*$",
    re.IGNORECASE,
)
_CHAPTER: Final = re.compile(
    r"^\s*(?:chapter|part)\s+(\d+|[IVXLC]+)\s*(?:[:.\-\u2013\u2014]\s*(\S.*?))?\s*$",
    re.IGNORECASE,
)
_BYLINE: Final = re.compile(r"^\s*by\s+(\S.{0,120}?)\s*$", re.IGNORECASE)
_HEADER_LINES: Final = 60
_MIN_FIELDS: Final = 3


def recognise(text: str) -> bool:
    """Whether the text starts like an archive download: three metadata fields or more
    among its first lines."""
    head = text.split("\n", _HEADER_LINES)[:_HEADER_LINES]
    kinds = {_FIELDS[m.group(1).lower()] for line in head if (m := _FIELD.match(line))}
    return len(kinds - {"title", "author", "summary"}) >= _MIN_FIELDS


@dataclass
class _Reader:
    lines: list[str]
    at: int = 0
    book_title: str | None = None
    author: str | None = None
    summary: str | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)
    characters: str | None = None
    chapters: list[DraftChapter] = field(default_factory=list)

    def parse(self) -> list[Part]:
        self._header()
        current: DraftChapter | None = None
        after_story = False
        while self.at < len(self.lines):
            line = self.lines[self.at].strip()
            key = label_key(line)
            if not line or _ARCHIVE_LINE.match(line) or key in _PREFACE:
                self.at += 1
            elif key in _AFTERWORD:
                after_story = True
                self.at += 1
            elif key in _STORY_STARTS:
                self.at += 1
                current = self._start(self.book_title)
            elif _CHAPTER.match(line) and not after_story:
                self.at += 1
                current = self._start(one_line(line))
            elif (label := note_label(line)) is not None:
                self.at += 1
                text = self._note(story_follows=current is not None and not after_story)
                if text and current is None:
                    self._book_note(label, text)
                elif text and (after_story or (current is not None and current.has_story())):
                    target = self.chapters[-1] if self.chapters else None
                    if target is not None:
                        target.end.append((label, text))
                elif text and current is not None:
                    current.front.append((label, text))
            elif current is None and not self.chapters and self.book_title is None:
                self.book_title = one_line(line)
                self.at += 1
            elif current is None:
                current = self._start(self.book_title)
            elif after_story:
                self.at += 1  # what an archive prints after the story (kudos, links)
            else:
                current.body.append(self._paragraph())
        parts = []
        book = SourceBook(self.book_title, self.author, self.summary, tuple(self.notes))
        for chapter in self.chapters:
            lift_notes(chapter)
            if chapter.has_story():
                parts.append(compose(book, chapter))
        return parts

    def _header(self) -> None:
        """Title, the metadata fields (value on the line or on the lines below), byline."""
        end = min(len(self.lines), _HEADER_LINES)
        fields_seen = 0
        while self.at < end:
            line = self.lines[self.at].strip()
            found = _FIELD.match(line)
            if found:
                name, value = _FIELDS[found.group(1).lower()], found.group(2).strip()
                self.at += 1
                more = []
                while self.at < len(self.lines) and self._continues():
                    more.append(self.lines[self.at].strip())
                    self.at += 1
                value = one_line(" ".join([value, *more]))
                self._field(name, value)
                fields_seen += 1
            elif (byline := _BYLINE.match(line)) and (fields_seen or self.book_title):
                self.author = self.author or byline.group(1)
                self.at += 1
            elif not line or _ARCHIVE_LINE.match(line) or label_key(line) in _PREFACE:
                self.at += 1
            elif not fields_seen and self.book_title is None:
                self.book_title = one_line(line)
                self.at += 1
            elif fields_seen and self.book_title is not None and one_line(line) == self.book_title:
                self.at += 1  # the title again above the byline
            else:
                return

    def _continues(self) -> bool:
        """Whether the line is more of a metadata value (not blank, not a field, a label or
        a heading)."""
        line = self.lines[self.at]
        stripped = line.strip()
        if not stripped or _FIELD.match(stripped) or note_label(stripped) is not None:
            return False
        if _BYLINE.match(stripped) or _CHAPTER.match(stripped):
            return False
        return line[:1].isspace() or self.lines[self.at - 1].strip().endswith(":")

    def _field(self, name: str, value: str) -> None:
        if not value:
            return
        if name == "title":
            self.book_title = self.book_title or value
        elif name == "author":
            self.author = self.author or value
        elif name == "summary":
            self.summary = self.summary or value
        elif name == "characters":
            self.characters = value
            self.notes.append(("Characters", value))

    def _book_note(self, label: str, text: str) -> None:
        if label == "Summary" and self.summary is None:
            self.summary = text
        else:
            self.notes.append((label, text))

    def _start(self, title: str | None) -> DraftChapter:
        chapter = DraftChapter(title=title)
        self.chapters.append(chapter)
        return chapter

    def _paragraph(self) -> str:
        """The lines up to the next blank line, as one paragraph (scene breaks as such)."""
        lines = []
        while self.at < len(self.lines) and self.lines[self.at].strip():
            lines.append(self.lines[self.at].strip())
            self.at += 1
        return one_line(" ".join(lines))

    def _note(self, *, story_follows: bool) -> str:
        """A note's text: paragraphs up to the next label or heading; when the story follows
        directly, only its indented paragraphs, or its first."""
        paragraphs: list[str] = []
        indented: list[bool] = []
        while self.at < len(self.lines):
            line = self.lines[self.at]
            stripped = line.strip()
            if not stripped:
                self.at += 1
                continue
            key = label_key(stripped)
            if (
                note_label(stripped) is not None
                or key in _STORY_STARTS
                or key in _AFTERWORD
                or _ARCHIVE_LINE.match(stripped)
                or _CHAPTER.match(stripped)
            ):
                break
            if story_follows and paragraphs and not (indented[0] and line[:1].isspace()):
                break
            indented.append(line[:1].isspace())
            paragraphs.append(self._paragraph())
        return " ".join(paragraphs)


def parse(text: str) -> list[Part]:
    """The chapters of an archive download, as narrator's text."""
    return _Reader(text.split("\n")).parse()
