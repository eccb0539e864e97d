"""Find quotation marks in a paragraph and pair them, for double- or single-quoted texts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable

Role = Literal["open", "close", "either", "none"]


@dataclass(frozen=True, slots=True)
class QuoteStyle:
    """The marks a text uses for dialogue."""

    name: str
    straight: str
    """The one mark that both opens and closes; its role comes from what flanks it."""
    openers: str
    """Marks that open (“ ‘); one in a closing position closes (some texts misuse them)."""
    closers: str
    """Marks that close (” ’); one in an opening position opens."""
    apostrophes: bool
    """Whether the marks double as apostrophes (single quotes do: don't, 'tis, girls')."""

    @property
    def marks(self) -> str:
        return self.straight + self.openers + self.closers


DOUBLE: Final = QuoteStyle(
    "double", '"', "\u201c\u201e\u201f\u00ab", "\u201d\u00bb", apostrophes=False
)
"""Straight and curly double quotes, and guillemets (« », or » « as German prints them)."""
SINGLE: Final = QuoteStyle("single", "'", "\u2018\u201a\u201b", "\u2019", apostrophes=True)

_ELISIONS: Final = re.compile(
    r"(?:tis|twas|twere|twill|twould|em|cause|cos|til|till|bout|round|n|ere|ave|e|im|er"
    r"|ow|appen|alf|ome|ello|\d\d?s?)\b",
    re.IGNORECASE,
)
"""Words that begin with an apostrophe ('tis, 'em, 'cause, 'n', the '90s): not quotes."""
_TAG_STARTERS: Final = frozenset("he she they i we you it said says asked cried".split())


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation in a paragraph: the offsets of its marks (the end may lack one)."""

    open_mark: int
    """Offset of the opening mark."""
    end: int
    """Offset of the closing mark, or where the quote was cut off when left open."""
    closed: bool


def detect_style(text: str, spans: Iterable[tuple[int, int]]) -> QuoteStyle:
    """Double quotes unless the text clearly speaks in single quotes (British style).

    Counted over the story: double marks against single marks in an opening position
    (after a space, before a letter, not an elision such as 'tis or 'em).
    """
    doubles = singles = 0
    for start, end in spans:
        piece = text[start:end]
        doubles += sum(piece.count(mark) for mark in DOUBLE.marks)
        for match in re.finditer(r"(?:^|(?<=[\s(\u2014]))['\u2018](?=[A-Za-z])", piece):
            if not _ELISIONS.match(piece, match.end()):
                singles += 1
    return SINGLE if singles >= 4 and singles > 2 * doubles else DOUBLE


def find_quotes(text: str, start: int, end: int, style: QuoteStyle = DOUBLE) -> list[Quote]:
    """The quotations in `text[start:end]` (one paragraph), in the text's quote style.

    Each mark is read by what flanks it: a mark before a word opens, one after a word
    closes. A closing-only mark with no quotation open is a stray (as in `'Lucky's
    Diner".`) and stays narration; an opening-only mark inside a quotation means the
    previous one was never closed, so it ends there and a new one begins, unless the
    marks still to come show it is a quote within the quote.
    """
    marks = []
    for index in range(start, end):
        if text[index] in style.marks:
            role = _role(text, index, start, end, style)
            if role != "none":
                marks.append((index, role))
    quotes: list[Quote] = []
    opened: int | None = None
    depth = 0
    for position, (index, role) in enumerate(marks):
        if opened is None:
            if role != "close":
                opened, depth = index, 1
        elif role == "open":
            # A quote inside a quote leaves an odd number of marks to come (its own
            # close and the outer one); an even number means the outer quote was never
            # closed and a new one begins here.
            if (len(marks) - position) % 2 == 1:
                depth += 1
            else:
                quotes.append(Quote(opened, index, closed=False))
                opened, depth = index, 1
        elif depth > 1:
            depth -= 1
        else:
            quotes.append(Quote(opened, index, closed=True))
            opened, depth = None, 0
    if opened is not None:
        quotes.append(Quote(opened, end, closed=False))
    return quotes


_BEFORE_OPEN: Final = "([{<\u2014\u2013-/*_"
"""Characters after which a mark may open a quotation (besides space and other marks)."""
_AFTER_CLOSE: Final = ".,;:!?)]}>\u2014\u2013-\u2026*_"
"""Characters before which a mark may close a quotation (besides space and other marks)."""
_ALL_MARKS: Final = DOUBLE.marks + SINGLE.marks


def _role(text: str, index: int, start: int, end: int, style: QuoteStyle) -> Role:
    before = text[index - 1] if index > start else " "
    after = text[index + 1] if index + 1 < end else " "
    can_open = (before.isspace() or before in _BEFORE_OPEN or before in _ALL_MARKS) and not (
        after.isspace()
    )
    can_close = (after.isspace() or after in _AFTER_CLOSE or after in _ALL_MARKS) and not (
        before.isspace()
    )
    if style.apostrophes:
        if before.isalnum() and after.isalnum():
            return "none"  # don't, it's, o'clock
        if can_open and not can_close and _ELISIONS.match(text, index + 1, end):
            return "none"  # 'tis, 'em
        if (
            can_close
            and before.isalpha()
            and after == " "
            and _starts_narration(text, index + 2, end)
        ):
            return "none"  # `the girls' books` inside a quote
    char = text[index]
    if char in style.openers:
        return "close" if can_close and not can_open else "open"
    if char in style.closers:
        return "open" if can_open and not can_close else "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "either"


_WORD: Final = re.compile(r"[A-Za-z]+")


def _starts_narration(text: str, index: int, end: int) -> bool:
    """Whether the word at `index` continues a sentence (lower case, not a speech tag)."""
    match = _WORD.match(text, index, end)
    return match is not None and match.group().islower() and match.group() not in _TAG_STARTERS
