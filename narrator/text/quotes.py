"""Find the quotations of a paragraph: quotation marks paired, for double- or single-quoted
texts; or, in texts whose dialogue opens with a dash (`—Where? asked Maria.`), the
stretches of speech in a paragraph that opens with one."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from narrator.text.english import SPEECH_VERBS, lemma

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
DASH: Final = QuoteStyle("dash", "", "", "", apostrophes=False)
"""Dialogue opened by a dash at the start of its paragraph, as in many translations,
modernist novels and some fan fiction; no quotation marks."""

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
    speech_start: int | None = None
    """Where the words begin when not just after the opening mark (a dash of two hyphens)."""
    resume: int | None = None
    """Where the narration resumes when not just after the end (past a closing dash)."""

    @property
    def words_start(self) -> int:
        return self.speech_start if self.speech_start is not None else self.open_mark + 1

    @property
    def after(self) -> int:
        if self.resume is not None:
            return self.resume
        return self.end + 1 if self.closed else self.end


def detect_style(text: str, spans: Iterable[tuple[int, int]]) -> QuoteStyle:
    """Double quotes unless the text clearly speaks in single quotes (British style), or
    opens its dialogue with dashes.

    Counted over the story: double marks against single marks in an opening position
    (after a space, before a letter, not an elision such as 'tis or 'em), and paragraphs
    that open with a dash.
    """
    doubles = singles = dashes = 0
    for start, end in spans:
        piece = text[start:end]
        doubles += sum(piece.count(mark) for mark in DOUBLE.marks)
        for match in re.finditer(r"(?:^|(?<=[\s(\u2014]))['\u2018](?=[A-Za-z])", piece):
            if not _ELISIONS.match(piece, match.end()):
                singles += 1
        dashes += _OPENING_DASH.match(piece) is not None
    if dashes >= 4 and 2 * dashes > doubles and dashes > singles:
        return DASH
    return SINGLE if singles >= 4 and singles > 2 * doubles else DOUBLE


_DASH_RUN: Final = r"(?:[\u2014\u2015]+|--+|\u2013(?=\s))"
_OPENING_DASH: Final = re.compile(rf"\s*(?P<dash>{_DASH_RUN})\s*(?=\S)")
"""A paragraph of dialogue in a dash-dialogue text: it opens with an em dash, a horizontal
bar, two hyphens, or a spaced en dash."""
_INNER_DASH: Final = re.compile(rf"(?<=\S)\s*{_DASH_RUN}|\s{_DASH_RUN}")
"""A dash inside the paragraph that opens or closes the narrator's interruption."""


def find_dash_quotes(text: str, start: int, end: int) -> list[Quote]:
    """The speech of a paragraph in a dash-dialogue text: from the opening dash to the
    paragraph's end, less the narrator's interruptions between dashes (`—Home, —she
    said, —now.`) or a speech tag after the words (`—Home, she said.`), where the speech
    resumes after the tag's sentence."""
    opening = _OPENING_DASH.match(text, start, end)
    if opening is None:
        return []
    quotes: list[Quote] = []
    cursor = opening.end()
    dash_at = (
        opening.start()
        + len(text[opening.start() : opening.end()])
        - len(text[opening.start() : opening.end()].lstrip())
    )
    while cursor < end:
        inner = _INNER_DASH.search(text, cursor, end)
        tag = _tag_start(text, cursor, inner.start() if inner else end)
        if tag is not None:
            stop = _sentence_end(text, tag, inner.start() if inner else end)
            quotes.append(Quote(dash_at, tag, closed=False, speech_start=cursor, resume=tag))
            cursor = _skip_space(text, stop, end)
            dash_at = cursor  # the narration before the resumed words runs up to them
            if cursor >= end:
                return quotes
            continue
        if inner is None:
            quotes.append(Quote(dash_at, end, closed=False, speech_start=cursor, resume=end))
            return quotes
        quotes.append(
            Quote(dash_at, inner.start(), closed=False, speech_start=cursor, resume=inner.end())
        )
        # The interruption runs to the next dash; the speech resumes after it.
        closing = _INNER_DASH.search(text, inner.end(), end)
        if closing is None:
            return quotes
        # `-she insisted-. Tell me`: the full stop after the closing dash is the
        # narration's; the words resume after it.
        cursor = _skip_space(text, closing.end(), end, also=".,;:")
        dash_at = cursor
    return quotes


_TAG_AFTER_WORDS: Final = re.compile(
    r"(?<=[,.!?\u2026])\s+(?P<tag>(?:[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*)?|he|she|I|they|we"
    r"|the\s+[a-z]+)\s+(?P<verb>[a-z]+)|(?P<verb2>[a-z]+)\s+(?:[A-Z][\w'\u2019.-]*|he|she|the\s))"
)


def _tag_start(text: str, start: int, end: int) -> int | None:
    """Where a speech tag begins inside a dash paragraph's words (`, she said`), if any."""
    for match in _TAG_AFTER_WORDS.finditer(text, start, end):
        verb = match.group("verb") or match.group("verb2")
        if verb and lemma(verb) in SPEECH_VERBS:
            return match.start("tag") if match.group("tag") else match.start("verb2")
    return None


_TAG_END: Final = re.compile(r"[.!?\u2026]|[,;](?=\s+(?P<next>[\w'\u2019]+))")
_NARRATION_GOES_ON: Final = frozenset(
    "with without as and while then his her their its a an the looking turning".split()
)


def _sentence_end(text: str, start: int, end: int) -> int:
    """Where a speech tag ends: at its sentence's end, or at a comma after which the
    words resume (`—Because, Stephen said quietly, nobody here knows me.`) rather than
    the narration going on (`she said, looking away.`)."""
    for found in _TAG_END.finditer(text, start, end):
        after = found.group("next")
        if after is None:
            return found.end()
        if not (after.lower() in _NARRATION_GOES_ON or after.lower().endswith("ing")):
            return found.end()
    return end


def _skip_space(text: str, start: int, end: int, also: str = "") -> int:
    while start < end and (text[start].isspace() or text[start] in also):
        start += 1
    return start


def find_quotes(text: str, start: int, end: int, style: QuoteStyle = DOUBLE) -> list[Quote]:
    """The quotations in `text[start:end]` (one paragraph), in the text's quote style.

    Each mark is read by what flanks it: a mark before a word opens, one after a word
    closes. A closing-only mark with no quotation open is a stray (as in `'Lucky's
    Diner".`) and stays narration; an opening-only mark inside a quotation means the
    previous one was never closed, so it ends there and a new one begins, unless the
    marks still to come show it is a quote within the quote.
    """
    marks = []
    if style.marks:
        for found in _marks_of(style.marks).finditer(text, start, end):
            role = _role(text, found.start(), start, end, style)
            if role != "none":
                marks.append((found.start(), role))
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


@functools.cache
def _marks_of(marks: str) -> re.Pattern[str]:
    """A pattern for any one of `marks` (searched for, not looked at a character at a
    time: that took two fifths of a novel's segmentation)."""
    return re.compile(f"[{re.escape(marks)}]")


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
