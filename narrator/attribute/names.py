"""The cast's names and aliases, and where the text mentions them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from narrator.text.english import RANKS, TITLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Chapter, Character, Gender, Segment


@dataclass(frozen=True, slots=True)
class Mention:
    """A character named (or pronoun-resolved) in the text."""

    start: int
    end: int
    character: str
    paragraph: int = -1
    subject: bool = False
    """True when the mention is the subject of its clause ("Izzie says", "She walks")."""


def _spelling(name: str) -> str:
    """A name as a pattern in which a space may be any run of whitespace (wrapped lines)."""
    return r"\s+".join(re.escape(part) for part in name.split())


class NameIndex:
    """The characters' names and aliases, compiled for finding mentions in text."""

    def __init__(self, characters: Sequence[Character]) -> None:
        self.gender: dict[str, Gender] = {c.name: c.gender for c in characters}
        surface: dict[str, str] = {}
        for character in characters:
            for label in (character.name, *character.aliases):
                surface.setdefault(label, character.name)
        # Names that are descriptions ("The Waiter", "An Old Man"), by what follows the
        # article, in lower case: a tag's "said the waiter" may be that character. And
        # "the count" is the one Count of the cast.
        self.described: dict[str, str] = {}
        ranked: dict[str, set[str]] = {}
        for character in characters:
            for label in (character.name, *character.aliases):
                first, _, rest = label.partition(" ")
                if not rest:
                    continue
                if first.lower() in ("the", "a", "an"):
                    self.described.setdefault(" ".join(rest.lower().split()), character.name)
                elif first.lower() in RANKS:
                    ranked.setdefault(first.lower(), set()).add(character.name)
        for rank, owners in ranked.items():
            if len(owners) == 1:
                self.described.setdefault(rank, owners.pop())
        # Parts of multi-word names ("Karev" of "Alex Karev") when they name one character.
        parts: dict[str, set[str]] = {}
        for label, owner in surface.items():
            for part in label.split():
                if part.lower().strip(".") not in TITLES and part[:1].isupper():
                    parts.setdefault(part, set()).add(owner)
        for part, owners in parts.items():
            if len(owners) == 1 and part not in surface:
                surface[part] = next(iter(owners))
        self.surface = surface
        alternatives = sorted(surface, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![\w'\u2019])(?:" + "|".join(map(_spelling, alternatives)) + r")(?![\w])"
            )
            if alternatives
            else None
        )

    def mentions(self, text: str, offset: int = 0) -> list[Mention]:
        """Every name or alias in `text`, with offsets shifted by `offset`."""
        if self._pattern is None:
            return []
        return [
            Mention(offset + m.start(), offset + m.end(), self.owner(m.group()))
            for m in self._pattern.finditer(text)
        ]

    def owner(self, written: str) -> str:
        """The character a name refers to, however it was wrapped ("Mr.\\nBennet")."""
        return self.surface.get(written) or self.surface[" ".join(written.split())]

    def name_at(self, text: str, start: int) -> Mention | None:
        """The name that begins exactly at `start`, if any."""
        if self._pattern is None:
            return None
        match = self._pattern.match(text, start)
        return Mention(match.start(), match.end(), self.owner(match.group())) if match else None


_CAPITALISED: Final = re.compile(
    r"(?<![\w'\u2019])(?:(?:Mr|Mrs|Ms|Dr|Miss|Sir|Lady|Lord)\.?\s+)?"
    r"[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)*"
)
_NOT_NAMES: Final = frozenset(
    """I I'm I'll I'd I've The A An And But Or So Then When While What Who Why How Where
    Which This That These Those There Here It It's He She They We You His Her Their Our
    Your My Its If As At In On Of For To From With Without By Up Down Out Not No Yes Oh
    Well Now Just Maybe Perhaps After Before Because Although Though Even Still Yet All
    Some Any Every Each One Two God Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November
    December Chapter Okay OK Hey Hi Hello Please Thank Thanks Sorry Mr Mrs Ms Dr Miss
    Sir Lady Lord""".split()
)


def unlisted_names(chapter: Chapter, characters: Sequence[Character]) -> list[tuple[str, int]]:
    """Capitalised names in the story that are not in the cast, most frequent first.

    A capitalised word that only ever starts a sentence is not counted: it is more likely
    an ordinary word than a name.
    """
    known = set(NameIndex(characters).surface)
    counts: dict[str, int] = {}
    inside: set[str] = set()
    for paragraph in chapter.paragraphs:
        text = chapter.text[paragraph.start : paragraph.end]
        for match in _CAPITALISED.finditer(text):
            name = match.group()
            words = [w for w in name.replace(".", " ").split() if w not in _NOT_NAMES]
            if not words or name in known or any(w in known for w in words):
                continue
            before = text[: match.start()].rstrip()
            if before and before[-1] not in '.!?"\u201c\u201d\u2014:':
                inside.add(name)
            counts[name] = counts.get(name, 0) + 1
    ranked = [(name, n) for name, n in counts.items() if name in inside and n >= 2]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


_FIRST_PERSON: Final = re.compile(r"\b(?:I|me|my|myself)\b")
_FIRST_PERSON_RATE: Final = 15.0
"""First-person words per 1,000 words of narration above which a text is told in the first
person (measured: 34-44 in first-person novels, at most 6 in third-person ones)."""


def first_person_narrator(segments: Sequence[Segment], cast: NameIndex) -> str | None:
    """The character who tells the story as "I", when the story is told that way.

    A first-person narrator's name is rare in the narration (they are "I" there) but
    common in what others say to them; the character with by far the highest ratio of
    mentions inside quotes to mentions outside is taken.
    """
    words = first = 0
    inside: dict[str, int] = {}
    outside: dict[str, int] = {}
    for seg in segments:
        counts = inside if seg.kind == "dialogue" else outside
        for mention in cast.mentions(seg.text):
            counts[mention.character] = counts.get(mention.character, 0) + 1
        if seg.kind == "narration":
            words += seg.text.count(" ") + 1
            first += len(_FIRST_PERSON.findall(seg.text))
    if words == 0 or 1000 * first / words < _FIRST_PERSON_RATE:
        return None
    ratios = sorted(
        ((inside[name] + 1) / (outside.get(name, 0) + 1), name)
        for name in inside
        if inside[name] >= 5
    )
    if not ratios or (len(ratios) > 1 and ratios[-1][0] < 2 * ratios[-2][0]):
        return None
    return ratios[-1][1]
