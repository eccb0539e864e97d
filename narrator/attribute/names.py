"""The cast's names and aliases, and where the text mentions them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from narrator.english import TITLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Chapter, Character, Gender


@dataclass(frozen=True, slots=True)
class Mention:
    """A character named (or pronoun-resolved) in the text."""

    start: int
    end: int
    character: str
    paragraph: int = -1
    subject: bool = False
    """True when the mention is the subject of its clause ("Izzie says", "She walks")."""


class Cast:
    """The characters' names and aliases, compiled for finding mentions in text."""

    def __init__(self, characters: Sequence[Character]) -> None:
        self.gender: dict[str, Gender] = {c.name: c.gender for c in characters}
        surface: dict[str, str] = {}
        for character in characters:
            for label in (character.name, *character.aliases):
                surface.setdefault(label, character.name)
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
                r"(?<![\w'\u2019])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w])"
            )
            if alternatives
            else None
        )

    def mentions(self, text: str, offset: int = 0) -> list[Mention]:
        """Every name or alias in `text`, with offsets shifted by `offset`."""
        if self._pattern is None:
            return []
        return [
            Mention(offset + m.start(), offset + m.end(), self.surface[m.group()])
            for m in self._pattern.finditer(text)
        ]

    def name_at(self, text: str, start: int) -> Mention | None:
        """The name that begins exactly at `start`, if any."""
        if self._pattern is None:
            return None
        match = self._pattern.match(text, start)
        return Mention(match.start(), match.end(), self.surface[match.group()]) if match else None


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
    known = set(Cast(characters).surface)
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
