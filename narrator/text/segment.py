"""Segment a chapter into narration sentences and quoted dialogue, with source offsets.

Not every quotation is speech (`speech.py` decides for each: mentions, imagined, written
or read words, lines in chorus). Besides those, these stay with the narrator:

- quotes in blocks set apart from the prose (indented letters, verse);
- a title in capitals quoted under a chapter number (`XII` / `"ALL THE WORLD'S A STAGE"`);
- letters written out in quoted paragraphs, from the salutation (`"Dear Charlotte,"`),
  with the address lines above it, to the signature below the closing (`"Yours,"`).
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from narrator.model import NARRATOR, UNKNOWN, Chapter, Kind, Paragraph, Segment
from narrator.text.quotes import (
    DASH,
    DOUBLE,
    Quote,
    QuoteStyle,
    detect_style,
    find_dash_quotes,
    find_quotes,
)
from narrator.text.sentences import sentence_spans
from narrator.text.speech import is_speech

if TYPE_CHECKING:
    from collections.abc import Sequence

_LOGGER = logging.getLogger(__name__)

_WORDS: Final = re.compile(r"[A-Za-z]+")
_HEADING: Final = re.compile(r"^(?:(?:CHAPTER|Chapter|BOOK|Book|PART|Part)\s+)?[IVXLC\d]+\.?$")
"""A chapter number on its own line."""
_SALUTATION: Final = re.compile(r"^(?:My\s+)?(?:Dear|Dearest|Darling)\s+[A-Z][^.!?]{0,40},$")
_CLOSING: Final = re.compile(
    r"^(?:Yours|Your\s|Believe\s+me|Ever\s|Sincerely|Affectionately|Faithfully|With\s+love"
    r"|Love,|Truly)"
)
_LETTER_MAX_PARAGRAPHS: Final = 15
_LETTERHEAD_MAX_WORDS: Final = 6


@dataclass(slots=True)
class _Found:
    """A paragraph's quotations and which of them are speech."""

    start: int
    """Where the paragraph starts."""
    quotes: list[Quote]
    speech: list[bool]
    whole: bool
    """The paragraph is one quotation, mark to mark."""


def segment(chapter: Chapter) -> tuple[Segment, ...]:
    """Narration (one segment per sentence) and dialogue (one per quotation), in reading order."""
    text = chapter.text
    style = detect_style(text, [(p.start, p.end) for p in chapter.paragraphs])
    if style is not DOUBLE:
        _LOGGER.info("%s: dialogue is in %s quotes", chapter.path, style.name)
    found = [_find(text, paragraph, style) for paragraph in chapter.paragraphs]
    _drop_letters(text, found)
    _drop_titles(text, found, chapter.paragraphs)
    out: list[Segment] = []
    left_open = False
    for number, (paragraph, here) in enumerate(zip(chapter.paragraphs, found, strict=True)):
        quotes = [q for q, speech in zip(here.quotes, here.speech, strict=True) if speech]
        continues = left_open and bool(quotes) and quotes[0].open_mark == paragraph.start
        cursor = paragraph.start
        for position, quote in enumerate(quotes):
            for start, end in _narration(text, cursor, quote.open_mark):
                out.append(_make(out, "narration", text, start, end, paragraph, number))
            inner = _trim(text, quote.words_start, quote.end)
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
            cursor = quote.after
        for start, end in _narration(text, cursor, paragraph.end):
            out.append(_make(out, "narration", text, start, end, paragraph, number))
        left_open = bool(here.quotes) and not here.quotes[-1].closed
    return tuple(out)


def _find(text: str, paragraph: Paragraph, style: QuoteStyle) -> _Found:
    if style is DASH:
        quotes = find_dash_quotes(text, paragraph.start, paragraph.end)
        return _Found(paragraph.start, quotes, [True] * len(quotes), whole=False)
    # Letters and verse set apart from the prose are the narrator's to read.
    quotes = [] if paragraph.block else find_quotes(text, paragraph.start, paragraph.end, style)
    whole = (
        len(quotes) == 1
        and quotes[0].open_mark == paragraph.start
        and quotes[0].closed
        and quotes[0].end == paragraph.end - 1
    )
    speech = [is_speech(text, paragraph.start, paragraph.end, quote, style) for quote in quotes]
    return _Found(paragraph.start, quotes, speech, whole)


def _drop_letters(text: str, found: list[_Found]) -> None:
    """Mark letters written out as quoted paragraphs as not speech (in place)."""
    index = 0
    while index < len(found):
        if not (found[index].whole and _SALUTATION.match(_inner(text, found[index]))):
            index += 1
            continue
        last = None
        for j in range(index + 1, min(len(found), index + _LETTER_MAX_PARAGRAPHS)):
            here = found[j]
            if not here.quotes or here.quotes[0].open_mark != here.start:
                break
            if here.whole and _CLOSING.match(_inner(text, here)):
                last = j
                following = found[j + 1] if j + 1 < len(found) else None
                if following is not None and following.whole and _is_short(text, following):
                    last = j + 1
                break
        if last is None:
            index += 1
            continue
        first = index
        while first > 0 and found[first - 1].whole and _is_short(text, found[first - 1]):
            first -= 1
        for here in found[first : last + 1]:
            here.speech = [False] * len(here.quotes)
        index = last + 1


def _drop_titles(text: str, found: list[_Found], paragraphs: Sequence[Paragraph]) -> None:
    """Mark a quoted title in capitals under a chapter number (`XII` / `"ALL THE WORLD'S A
    STAGE"`) as not speech (in place)."""
    for k in range(1, len(found)):
        here = found[k]
        heading = text[paragraphs[k - 1].start : paragraphs[k - 1].end].strip()
        if (
            here.whole
            and _HEADING.match(heading)
            and not any(c.islower() for c in _inner(text, here))
        ):
            here.speech = [False] * len(here.quotes)


def _inner(text: str, found: _Found) -> str:
    quote = found.quotes[0]
    return text[quote.open_mark + 1 : quote.end].strip()


def _is_short(text: str, found: _Found) -> bool:
    """An address, date or signature line: a few words, not a question or exclamation."""
    inner = _inner(text, found)
    return len(_WORDS.findall(inner)) <= _LETTERHEAD_MAX_WORDS and inner[-1:] not in "?!"


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
