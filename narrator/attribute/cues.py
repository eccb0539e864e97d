"""What the words around a mention say about it: a speaker naming themselves ("I'm
Meredith", "Meredith here"), announcing someone ("It's Jane!"), addressing someone
("Hey, Alex.", "Yes, ma'am."), a telephone call, a character leaving the scene."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from narrator.attribute.names import Mention, NameIndex
    from narrator.model import Gender

_NAMES_SELF_BEFORE: Final = re.compile(
    r"\b(?:i'm|i\u2019m|i am|my name is|my name's|name's|call me)\s+$", re.IGNORECASE
)
"""What comes before a speaker naming themselves: "I'm Meredith", "my name is Alex"."""
_NAMES_SELF_AFTER: Final = re.compile(r"^\s*(?:here|speaking)\b", re.IGNORECASE)
"""What comes after it at the start of a quote, on the telephone: "Meredith here." """
_ANNOUNCES: Final = re.compile(r"\b(?:it's|it\u2019s|it is|this is|here's|here is)\s+$", re.I)
"""What comes before a name someone announces: "It's Jane!", "This is Mr. Darcy." (In the
dev novels the one named said it in 1 of 38 such quotes; "I'm ..." in 11 of 18.)"""


_TELEPHONE: Final = re.compile(
    r"\b(?:(?:tele)?phones?|phoned|cell|cellphone|mobile|line|receiver|voicemail|dial(?:l?ed)?"
    r"|rings|ringing|call(?:s|ed|ing|er)?|hung up|picks? up|picked up)\b",
    re.IGNORECASE,
)
"""Words of a telephone call: there "It's Meredith" is the caller naming herself."""


def on_the_phone(context: str) -> bool:
    """Whether a stretch of narration is about a telephone call."""
    return _TELEPHONE.search(context) is not None


_DEPARTS: Final = re.compile(
    r"^[\s,]*(?:\w+ly\s+)?(?:left|leaves|went\s+(?:out|away|home|off|upstairs|downstairs|back)"
    r"|(?:walked|swept|stormed|slipped|hurried|ran|marched|stalked|strode)\s+(?:out|off|away)"
    r"|disappeared|vanished|was\s+gone|had\s+gone|is\s+gone|hung\s+up|hangs\s+up|rang\s+off"
    r"|drove\s+(?:off|away)|departed)\b",
    re.IGNORECASE,
)
"""What follows a subject that leaves the scene."""


_GONE: Final = re.compile(
    r"^[\s,]*(?:hung\s+up|hangs\s+up|rang\s+off|was\s+gone|had\s+gone|disappeared|vanished)\b",
    re.IGNORECASE,
)
"""What follows any mention of someone who leaves, subject or not ("after Pri hung up")."""


def departs(rest: str, *, subject: bool = True) -> bool:
    """Whether the words after a mention have that character leave: after a sentence's
    subject "... left", "... went out"; after any mention "... hung up", "... was gone"."""
    return (_DEPARTS if subject else _GONE).match(rest) is not None


def names_self(text: str, mention: Mention, phone: bool = False) -> bool:
    """Whether the quote's speaker gives `mention`'s name as their own: "I'm Meredith",
    "Meredith here", and on the telephone (`phone`) "It's Meredith"."""
    before = text[: mention.start]
    if _NAMES_SELF_BEFORE.search(before) or (phone and _ANNOUNCES.search(before)):
        return True
    opening = not before.strip(" \t\n\"'\u201c\u2018-\u2014")
    return opening and bool(_NAMES_SELF_AFTER.match(text[mention.end :]))


def announces(text: str, mention: Mention) -> bool:
    """Whether the quote announces `mention`'s arrival or presence ("It's Jane!")."""
    return bool(_ANNOUNCES.search(text[: mention.start]))


_VOCATIVE_OPENERS: Final = (",", "!", "?", ".", "\u2026", "Hey", "hey", "Oh", "oh", "dear", "Dear")


def addressed(text: str, cast: NameIndex) -> set[str]:
    """Names addressed in a quote (vocatives: "Mer, wait", "Hey, Alex."), which are not
    its speaker."""
    out: set[str] = set()
    for mention in cast.mentions(text):
        before = text[: mention.start].rstrip()
        after = text[mention.end :].lstrip()
        if names_self(text, mention) or announces(text, mention):
            continue
        opens = before == "" or before.endswith(_VOCATIVE_OPENERS)
        closes = after == "" or after[:1] in ",!?.\u2026\u2014"
        if (opens and closes) or (before.endswith(",") and closes):
            out.add(mention.character)
    return out


_HONORIFIC: Final = re.compile(r"(?:^|,)\s*(sir|ma['\u2019]am|madam)\s*[,.!?;]", re.IGNORECASE)
"""Sir or ma'am called in a quote ("I can't, sir,"; "Yes, ma'am.")."""


def honorific(text: str) -> Gender | None:
    """The sex of the one a quote calls sir (a man) or ma'am or madam (a woman)."""
    match = _HONORIFIC.search(text)
    if match is None:
        return None
    return "male" if match.group(1).lower() == "sir" else "female"
