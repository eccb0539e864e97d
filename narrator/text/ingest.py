"""Ingest a chapter: decode, normalise newlines, find notes, title, scenes and paragraphs."""

from __future__ import annotations

import logging
import re
import statistics
from typing import TYPE_CHECKING, Final

from narrator.errors import InputError
from narrator.model import Chapter, ChapterRef, Note, Paragraph, Span
from narrator.text.formats import read_parts

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

_SPACE: Final = " \t\f\v\u00a0\ufeff\u2000\u2001\u2002\u2003\u2009\u200b\u3000"
"""Characters that do not count as text (the BOM is kept in the text as U+FEFF, so
offsets match Python's `Path.read_text()` of the same file)."""
_BLOCK_BREAK: Final = re.compile(rf"\n(?:[{_SPACE}]*\n)+")
_LINE_BREAK: Final = re.compile(r"\n")

_LABELS: Final = {
    "summary": r"(?:overall|story|fic|full|series)?\s*summary",
    "chapter summary": r"chapter\s*summary",
    "author's note": r"a\s*/\s*n|an|authors?'?s?\s*notes?|author\s*notes?",
    "note": r"(?:end\s*)?notes?",
    "disclaimer": r"disclaimers?",
    "warning": r"(?:content\s*)?warnings?|tw|cw",
    "rating": r"rat(?:ing|ed)",
    "pairing": r"pairings?|ships?",
    "characters": r"characters?",
    "fandom": r"fandoms?",
    "word count": r"word\s*count|words",
    "beta": r"beta(?:'?d|ed)?(?:\s*(?:by|reader))?",
    "dedication": r"dedicat(?:ion|ed\s*to)",
    "spoilers": r"spoilers?",
    "timeline": r"timeline|setting|set\s*after|set\s*during",
    "genre": r"genres?|categor(?:y|ies)|tags",
    "status": r"status",
    "title": r"(?:story\s*|fic\s*)?title",
    "author": r"author|written\s*by|writer",
}
_LABEL: Final = re.compile(
    r"^[\[(*_]*(?:(?P<title>title\s+(?:taken\s+)?from\b)|(?P<label>"
    + "|".join(f"(?P<g{i}>{pattern})" for i, pattern in enumerate(_LABELS.values()))
    + r")\s*[\])*_]*\s*(?:[:;]|[\-\u2013\u2014]+(?=\s)))",
    re.IGNORECASE,
)
_LABELS_BARE: Final = {
    "summary": "summary",
    "chapter summary": "chapter summary",
    "author's note": "author's note",
    "author's notes": "author's note",
    "a/n": "author's note",
    "notes": "note",
    "disclaimer": "disclaimer",
}
_BARE_LABEL: Final = re.compile(
    r"^\s*(?:" + "|".join(re.escape(k) for k in _LABELS_BARE) + r")\s*:?\s*$", re.IGNORECASE
)
_NUMBER_WORDS: Final = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    "tenth|last|final"
)
_HEADING: Final = re.compile(
    r"^(?:(?i:chapter|part|book|volume)\s+(?:\d+|[IVXLCDM]+|[ivxlcdm]+|(?i:"
    + _NUMBER_WORDS
    + r")(?:[\s\-]+(?i:"
    + _NUMBER_WORDS
    + r"))*)\b|(?i:prologue|epilogue|interlude)\b)"
    r"(?:\s*[.:\-\u2013\u2014]\s*[^\n]{0,80}|\s+[A-Z0-9\"'\u201c\u2018][^\n]{0,80})?$"
)
_SYMBOL_BREAK: Final = re.compile(
    r"^(?:[*~#=_\-\u2013\u2014\u2022\u00b7+<>|/\\]+"
    r"|[-~*=_.]*(?:[oO0]{2,}|[xX]{3,}|(?:[oO0][xX])+[oO0]?|(?:[xX][oO0])+[xX]?)[-~*=_.]*)$"
)
_WORD_BREAK: Final = re.compile(
    r"^[\W_]*(?:line|page|scene|time|pov)[\s\-]*(?:break|change|skip)[\W_]*$", re.IGNORECASE
)
_FILE_CHAPTER: Final = re.compile(r"^(?:ch|chap|chapter)?[\s\-_.]*0*(\d+)$", re.IGNORECASE)
_BLOCK_INDENT: Final = 4
"""Spaces beyond the usual paragraph indent that set a block (letter, verse) apart."""
_VERSE_WIDTH: Final = 0.75
"""Lines this much shorter than the wrap width, as a rule, are verse rather than prose."""
_SENTENCE_END_CHARS: Final = ".!?\"'\u201d\u2019)]*_:;\u2026"


def ingest(reference: ChapterRef | Path | str, *, read_front_matter: bool = False) -> Chapter:
    """Read one chapter: a file, or one chapter of a file that holds several
    (`ChapterRef(story.epub, 3)`, written `story.epub#3`)."""
    ref = reference if isinstance(reference, ChapterRef) else ChapterRef.parse(reference)
    chapters = ingest_all(ref.path, read_front_matter=read_front_matter)
    return pick(chapters, ref)


def pick(chapters: tuple[Chapter, ...], ref: ChapterRef) -> Chapter:
    """The chapter `ref` names among a source file's chapters."""
    path, number = ref.path, ref.part
    if number is None:
        if len(chapters) > 1:
            raise InputError(
                f"{path}: holds {len(chapters)} chapters",
                f"name one of them: {path}#1 to {path}#{len(chapters)}",
            )
        return chapters[0]
    if not 1 <= number <= len(chapters):
        raise InputError(
            f"{path}#{number}: there is no chapter {number}",
            f"it holds {len(chapters)}: give 1 to {len(chapters)}",
        )
    return chapters[number - 1]


def ingest_all(path: Path, *, read_front_matter: bool = False) -> tuple[Chapter, ...]:
    """Every chapter of a source file (one for plain text), in reading order."""
    parts = read_parts(path)
    if not parts:
        raise InputError(f"{path}: no chapters found in it", "is it the story itself?")
    several = len(parts) > 1
    return tuple(
        chapter_from_text(
            part.text,
            path,
            read_front_matter=read_front_matter,
            title=part.title,
            part=number if several else None,
            cover_image=part.cover,
        )
        for number, part in enumerate(parts, 1)
    )


def chapter_from_text(
    text: str,
    path: Path,
    *,
    read_front_matter: bool = False,
    title: str | None = None,
    part: int | None = None,
    cover_image: bytes | None = None,
) -> Chapter:
    """Split decoded text into notes, scene breaks and story paragraphs. `title`, when the
    source names one, is the chapter's title (and its first paragraph, if it says it, the
    heading); `part` numbers the chapter within a file of several."""
    spans = paragraph_spans(text)
    notes: list[Note] = []
    first, last = 0, len(spans)
    # Front matter: a leading run of labelled paragraphs (and separators between them).
    index = 0
    while index < len(spans):
        span = spans[index]
        note = _note(text, span)
        if note is not None and not note.text and index + 1 < len(spans):
            # "Summary:" on a line of its own: the paragraph after it is the note's text.
            following = spans[index + 1]
            index += 1
            said = text[following.start : following.end].strip()
            note = Note(note.label, said, Span(span.start, following.end))
        if note is not None:
            notes.append(note)
            first = index + 1
        elif not is_scene_break(text[span.start : span.end]):
            break
        index += 1
    # End matter: a trailing run of author's notes.
    while last > first:
        note = _note(text, spans[last - 1])
        if note is None or note.label not in ("author's note", "note", "disclaimer"):
            break
        notes.append(note)
        last -= 1
    story = spans if read_front_matter else spans[first:last]
    indents = [_indent(text, span) for span in story]
    usual = statistics.median(indents) if indents else 0
    width = _wrap_width(text, story)
    paragraphs: list[Paragraph] = []
    scene = 0
    for span, indent in zip(story, indents, strict=True):
        body = text[span.start : span.end]
        if is_scene_break(body):
            if paragraphs:
                scene += 1
            continue
        paragraphs.append(
            Paragraph(
                span.start,
                span.end,
                scene=scene,
                heading=_HEADING.match(body) is not None
                or (not paragraphs and title is not None and " ".join(body.split()) == title),
                block=indent >= usual + _BLOCK_INDENT or _is_verse(body, width),
            )
        )
    if title is None and part is not None and not (paragraphs and paragraphs[0].heading):
        title = f"Chapter {part}"
    title = title or title_for(path, text, paragraphs)
    notes.sort(key=lambda n: n.span.start)
    _LOGGER.debug(
        "%s: %d paragraphs, %d scenes, %d notes", path, len(paragraphs), scene + 1, len(notes)
    )
    return Chapter(
        ref=ChapterRef(path, part),
        text=text,
        title=title,
        paragraphs=tuple(paragraphs),
        notes=tuple(notes),
        cover_image=cover_image,
    )


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs: blocks between blank lines, or single lines where the text is not wrapped."""
    blocks = _split(text, 0, len(text), _BLOCK_BREAK)
    if not _is_hard_wrapped(text, blocks):
        return [
            line for block in blocks for line in _split(text, block.start, block.end, _LINE_BREAK)
        ]
    return blocks


def _split(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[Span]:
    spans: list[Span] = []
    cursor = start
    for match in separator.finditer(text, start, end):
        spans.extend(_trimmed(text, cursor, match.start()))
        cursor = match.end()
    spans.extend(_trimmed(text, cursor, end))
    return spans


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    while start < end and (text[start].isspace() or text[start] in _SPACE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _SPACE):
        end -= 1
    return [Span(start, end)] if end > start else []


def _indent(text: str, span: Span) -> int:
    """The smallest indentation of the paragraph's lines (a tab counts as four spaces)."""
    line_start = text.rfind("\n", 0, span.start) + 1
    lines = text[line_start : span.end].split("\n")
    widths = [
        len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        for line in lines
        if line.strip()
    ]
    return min(widths) if widths else 0


def _wrap_width(text: str, spans: list[Span]) -> int | None:
    """The usual length of a wrapped line, when the text is hard-wrapped."""
    inner = [
        len(line.strip())
        for span in spans
        for line in text[span.start : span.end].split("\n")[:-1]
        if line.strip()
    ]
    # The upper part of the distribution: verse and letters shorten some lines, never lengthen.
    return int(statistics.quantiles(inner, n=5)[-1]) if len(inner) >= 3 else None


def _is_verse(body: str, width: int | None) -> bool:
    """Verse, a list or an address in wrapped text: lines well short of the wrap width,
    or short-ish lines indented one by one (wrapped prose fills its lines up to the last
    and never indents inside a paragraph)."""
    lines = [line.rstrip() for line in body.split("\n") if line.strip()]
    if width is None or len(lines) < 2:
        return False
    length = statistics.median(len(line.strip()) for line in lines[:-1])
    indents = [len(line) - len(line.lstrip()) for line in lines[1:]]
    stepped = max(indents) >= 2 and min(indents) + 2 <= max(indents)
    return length <= _VERSE_WIDTH * width or (stepped and length <= 0.9 * width)


def _is_hard_wrapped(text: str, blocks: list[Span]) -> bool:
    """True when single newlines wrap lines inside paragraphs (Project Gutenberg style).

    In wrapped text most lines break mid-sentence at a similar width; where every line
    is a paragraph, lines end at sentence ends and vary widely in length.
    """
    inner: list[str] = []
    for block in blocks:
        lines = text[block.start : block.end].split("\n")
        inner.extend(line.rstrip() for line in lines[:-1])
    inner = [line for line in inner if line]
    if len(inner) < 3:
        return False
    mid_sentence = sum(1 for line in inner if line[-1] not in _SENTENCE_END_CHARS)
    return mid_sentence / len(inner) >= 0.5 and statistics.median(map(len, inner)) >= 30


def _note(text: str, span: Span) -> Note | None:
    body = text[span.start : span.end]
    if _BARE_LABEL.match(body):  # "Summary" or "Author's Note" alone: its text follows
        return Note(
            label=_LABELS_BARE[" ".join(body.split()).lower().rstrip(":")], text="", span=span
        )
    match = _LABEL.match(body)
    if match is None:
        return None
    if match.group("title"):
        return Note(label="title", text=body, span=span)
    label = next(name for i, name in enumerate(_LABELS) if match.group(f"g{i}") is not None)
    return Note(label=label, text=body[match.end() :].strip(), span=span)


def is_scene_break(body: str) -> bool:
    squeezed = "".join(body.split())
    return bool(squeezed) and (
        _SYMBOL_BREAK.match(squeezed) is not None or _WORD_BREAK.match(body) is not None
    )


def title_for(path: Path, text: str, paragraphs: list[Paragraph]) -> str:
    """The chapter's heading when it opens with one, else a title made from the file name."""
    if paragraphs and paragraphs[0].heading:
        return " ".join(text[paragraphs[0].start : paragraphs[0].end].split())
    stem = re.sub(r"[_\s]+", " ", path.stem).strip()
    numbered = _FILE_CHAPTER.match(stem.replace(" ", ""))
    if numbered:
        return f"Chapter {int(numbered.group(1))}"
    words = re.sub(r"^\d+[\s\-.]*", "", stem.replace("-", " ")).split() or [stem]
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in words)
