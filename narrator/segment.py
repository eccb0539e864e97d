"""Segment a chapter into narration sentences and quoted dialogue, with source offsets."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Final, Literal

from narrator.model import NARRATOR, UNKNOWN, Chapter, Kind, Paragraph, Segment
from narrator.sentences import sentence_spans

_LOGGER = logging.getLogger(__name__)

_STRAIGHT: Final = '"'
_OPENERS: Final = "\u201c\u201e\u201f"  # “ „ ‟
_CLOSERS: Final = "\u201d"  # ”
QUOTE_MARKS: Final = _STRAIGHT + _OPENERS + _CLOSERS
_BEFORE_OPEN: Final = "([{<\u2014\u2013-/*_\u2018'" + QUOTE_MARKS
"""Characters after which a quote mark may open a quotation."""
_AFTER_CLOSE: Final = ".,;:!?)]}>\u2014\u2013-\u2026*_\u2019'" + QUOTE_MARKS
"""Characters before which a quote mark may close a quotation."""

Role = Literal["open", "close", "either"]


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation found in a paragraph: the offsets of its marks (end may lack a mark)."""

    open_mark: int
    """Offset of the opening mark."""
    end: int
    """Offset of the closing mark, or the paragraph's end when the quote is left open."""
    closed: bool


def segment(chapter: Chapter) -> tuple[Segment, ...]:
    """Narration (one segment per sentence) and dialogue (one per quotation), in reading order."""
    text = chapter.text
    out: list[Segment] = []
    left_open = False
    for number, paragraph in enumerate(chapter.paragraphs):
        quotes = find_quotes(text, paragraph.start, paragraph.end)
        continues = left_open and bool(quotes) and _opens_paragraph(text, paragraph, quotes[0])
        cursor = paragraph.start
        for position, quote in enumerate(quotes):
            for start, end in _narration(text, cursor, quote.open_mark):
                out.append(_make(out, "narration", text, start, end, paragraph, number))
            inner = _trim(text, quote.open_mark + 1, quote.end)
            if inner is not None:
                out.append(
                    _make(
                        out,
                        "dialogue",
                        text,
                        *inner,
                        paragraph,
                        number,
                        continues=continues and position == 0,
                    )
                )
            cursor = quote.end + 1 if quote.closed else quote.end
        for start, end in _narration(text, cursor, paragraph.end):
            out.append(_make(out, "narration", text, start, end, paragraph, number))
        left_open = bool(quotes) and not quotes[-1].closed
    return tuple(out)


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """The double-quoted quotations in `text[start:end]` (one paragraph).

    Each mark is read by what flanks it: a mark before a word opens, one after a word
    closes. A closing-only mark with no quotation open is a stray (as in `'Lucky's
    Diner".`) and stays narration; an opening-only mark inside a quotation means the
    previous one was never closed, so it ends there and a new one begins.
    """
    quotes: list[Quote] = []
    opened: int | None = None
    for index in range(start, end):
        char = text[index]
        if char not in QUOTE_MARKS:
            continue
        role = _role(text, index, start, end)
        if opened is None:
            if role != "close":
                opened = index
        elif role == "open":
            quotes.append(Quote(opened, index, closed=False))
            opened = index
        else:
            quotes.append(Quote(opened, index, closed=True))
            opened = None
    if opened is not None:
        quotes.append(Quote(opened, end, closed=False))
    return quotes


def _role(text: str, index: int, start: int, end: int) -> Role:
    before = text[index - 1] if index > start else " "
    after = text[index + 1] if index + 1 < end else " "
    can_open = (before.isspace() or before in _BEFORE_OPEN) and not after.isspace()
    can_close = (after.isspace() or after in _AFTER_CLOSE) and not before.isspace()
    char = text[index]
    if char in _OPENERS:
        return "close" if can_close and not can_open else "open"
    if char in _CLOSERS:
        return "open" if can_open and not can_close else "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "either"


def _opens_paragraph(text: str, paragraph: Paragraph, quote: Quote) -> bool:
    return quote.open_mark == paragraph.start


def _narration(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans covering every non-space character of `text[start:end]`."""
    piece = _trim(text, start, end)
    if piece is None:
        return []
    start, end = piece
    cuts = [s for s, _ in sentence_spans(text, start, end)[1:]]
    bounds = [start, *cuts, end]
    spans = [_trim(text, a, b) for a, b in itertools.pairwise(bounds)]
    return [span for span in spans if span is not None]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _make(
    out: list[Segment],
    kind: Kind,
    text: str,
    start: int,
    end: int,
    paragraph: Paragraph,
    number: int,
    *,
    continues: bool = False,
) -> Segment:
    return Segment(
        index=len(out),
        kind=kind,
        speaker=NARRATOR if kind == "narration" else UNKNOWN,
        text=text[start:end],
        start=start,
        end=end,
        paragraph=number,
        scene=paragraph.scene,
        continues=continues,
    )
