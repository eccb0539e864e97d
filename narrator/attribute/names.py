"""The cast's names and aliases, and where the text mentions them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from narrator.text.english import RANKS, TITLES

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
    shared: bool = False
    """True when the name form may name several characters (resolved by recency)."""
    pronoun: bool = False
    """True for a sentence-opening he or she the sieve resolved, not a name."""


def _spelling(name: str) -> str:
    """A name as a pattern in which a space may be any run of whitespace (wrapped lines)."""
    return r"\s+".join(re.escape(part) for part in name.split())


def _key(written: str) -> str:
    """How a name form is looked up: case and spacing ignored ("McBryde" is "Mcbryde")."""
    return " ".join(written.replace("\u2019", "'").split()).casefold()


_PARTICLES: Final = frozenset("de du da van von der den la le di of the d' y".split())
"""Lower-case words inside names ("Mrs. van der Luyden", "Marquis de Griers")."""
_FEMALE_TITLES: Final = ("Mrs.", "Miss", "Ms.", "Lady", "Madame", "Mme.", "Mrs", "Ms", "Mme")
_MALE_TITLES: Final = ("Mr.", "Mr", "Sir", "Lord", "Monsieur", "M.")
_ANY_TITLES: Final = ("Dr.", "Dr", "Professor", "Captain", "Colonel", "Major", "Doctor")


def _titled(gender: Gender) -> tuple[str, ...]:
    """Titles that may stand before the names of a character of this gender."""
    if gender == "female":
        return _FEMALE_TITLES + _ANY_TITLES
    if gender == "male":
        return _MALE_TITLES + _ANY_TITLES
    return _FEMALE_TITLES + _MALE_TITLES + _ANY_TITLES


class NameIndex:
    """The characters' names and aliases, compiled for finding mentions in text.

    A name form is found whatever the capitals inside it ("McBryde" for "Mcbryde", "van
    der Luyden" for "Van Der Luyden"), as long as it is written as a name (capitalised).
    Besides the names and aliases the cast gives, a character is found by a part of a
    name that is theirs ("Karev" of "Alex Karev") and by a title that fits their gender
    before one ("Miss Quested" for Adela Quested). A form several characters share (a
    first name, a family name) is resolved to the one named most recently; so is a cast
    entry that is nothing but a word of other members' names, with no gender and no
    aliases of its own (a family name listed on its own).
    """

    def __init__(self, characters: Sequence[Character]) -> None:
        self.gender: dict[str, Gender] = {c.name: c.gender for c in characters}
        self.standing: dict[str, str | None] = {c.name: standing(c) for c in characters}
        self._order = {c.name: n for n, c in enumerate(characters)}
        words = {c.name: set(_words(c)) for c in characters}
        hollow = {
            c.name
            for c in characters
            if not c.aliases
            and c.gender == "unknown"
            and " " not in c.name.strip()
            and any(c.name in words[o.name] for o in characters if o.name != c.name)
        }
        """Entries that are only a word of other members' names (PDNC lists "Bounderby"
        beside "Josiah Bounderby"): their mentions go to those members."""
        self.hollow = frozenset(hollow)
        forms: dict[str, set[str]] = {}
        given: dict[str, set[str]] = {}
        for character in characters:
            if character.name in hollow:
                continue
            for label in (character.name, *character.aliases):
                given.setdefault(_key(label), set()).add(character.name)
        # Parts of multi-word names, and title + part ("Karev"; "Miss Quested").
        derived: dict[str, set[str]] = {}
        for character in characters:
            if character.name in hollow:
                continue
            for label in (character.name, *character.aliases):
                parts = [w for w in label.split() if w.lower().strip(".") not in TITLES]
                if len(label.split()) < 2:
                    continue
                for part in parts:
                    if part[:1].isupper() and len(part) > 1 and part.lower() not in _PARTICLES:
                        derived.setdefault(_key(part), set()).add(character.name)
                        for title in _titled(character.gender):
                            derived.setdefault(_key(f"{title} {part}"), set()).add(character.name)
        for key, owners in given.items():
            forms[key] = set(owners)
        for key, owners in derived.items():
            if key not in forms:
                forms[key] = owners
        for name in hollow:
            owners = {o for o, w in words.items() if name in w and o != name and o not in hollow}
            forms.setdefault(_key(name), owners)
        self._forms = forms
        self.surface = {key: sorted(owners) for key, owners in forms.items()}
        """Every name form (case-folded) and who it may name."""
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
        alternatives = sorted({" ".join(k.split()) for k in forms}, key=lambda k: (-len(k), k))
        self._pattern = (
            re.compile(
                r"(?<![\w'\u2019])(?:" + "|".join(map(_spelling, alternatives)) + r")(?![\w])",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )
        # "the detective" in the narration names the cast's The Detective (and "the count"
        # its one Count): a description the cast uses for a name, after "the".
        self._described_pattern = (
            re.compile(
                r"(?<![\w'\u2019])(?:the|The)\s+(?:"
                + "|".join(_spelling(d) for d in sorted(self.described, key=lambda d: (-len(d), d)))
                + r")(?![\w'\u2019])",
                re.IGNORECASE,
            )
            if self.described
            else None
        )
        self.last_seen: dict[str, int] = {}
        """Where each character was last named unambiguously (offsets), for resolving a
        shared name form; the sieve notes mentions as it reads."""

    def seen(self, character: str, offset: int) -> None:
        """Note that `character` was named at `offset`."""
        self.last_seen[character] = offset

    def mentions(self, text: str, offset: int = 0) -> list[Mention]:
        """Every name or alias in `text`, with offsets shifted by `offset`."""
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(text):
            owner = self._owner(m.group())
            if owner is not None:
                shared = self.is_shared(m.group())
                found.append(Mention(offset + m.start(), offset + m.end(), owner, shared=shared))
        if self._described_pattern is not None:
            taken = [(m.start - offset, m.end - offset) for m in found]
            for m in self._described_pattern.finditer(text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                phrase = " ".join(m.group().split()[1:]).casefold()
                owner = self.described.get(phrase)
                if owner is not None:
                    found.append(Mention(offset + m.start(), offset + m.end(), owner))
            found.sort(key=lambda mention: mention.start)
        return found

    def owner(self, written: str) -> str:
        """The character a name form refers to, however it was wrapped ("Mr.\nBennet")."""
        owner = self._owner(written)
        if owner is None:
            raise KeyError(written)
        return owner

    def owners(self, written: str) -> list[str]:
        """Every character a name form may refer to."""
        return self.surface.get(_key(written), [])

    def _owner(self, written: str) -> str | None:
        if not _written_as_name(written):
            return None
        owners = self._forms.get(_key(written))
        if not owners:
            return None
        if len(owners) == 1:
            return next(iter(owners))
        # Shared: the one named most recently, else the one listed first in the cast.
        return max(owners, key=lambda o: (self.last_seen.get(o, -1), -self._order[o]))

    def is_shared(self, written: str) -> bool:
        return len(self._forms.get(_key(written), ())) > 1

    def name_at(self, text: str, start: int) -> Mention | None:
        """The name that begins exactly at `start`, if any."""
        if self._pattern is None:
            return None
        match = self._pattern.match(text, start)
        if match is None:
            return None
        owner = self._owner(match.group())
        return Mention(match.start(), match.end(), owner) if owner else None


def _words(character: Character) -> list[str]:
    return [w for label in (character.name, *character.aliases) for w in label.split()]


def _written_as_name(written: str) -> bool:
    """Capitalised as a name is: the first and last words, and every word but particles."""
    words = written.split()
    if not words or not words[-1][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


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
    index = NameIndex(characters)
    counts: dict[str, int] = {}
    inside: set[str] = set()
    for paragraph in chapter.paragraphs:
        text = chapter.text[paragraph.start : paragraph.end]
        for match in _CAPITALISED.finditer(text):
            name = match.group()
            words = [w for w in name.replace(".", " ").split() if w not in _NOT_NAMES]
            if not words or index.owners(name) or any(index.owners(w) for w in words):
                continue
            before = text[: match.start()].rstrip()
            if before and before[-1] not in '.!?"\u201c\u201d\u2014:':
                inside.add(name)
            counts[name] = counts.get(name, 0) + 1
    ranked = [(name, n) for name, n in counts.items() if name in inside and n >= 2]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


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


_MATRON_TITLES: Final = frozenset(
    "mrs mrs. lady madame mme mme. duchess countess baroness grandmother grandmamma granny "
    "mother mamma mama aunt widow".split()
)
_MAIDEN_TITLES: Final = frozenset("miss mlle mlle. mademoiselle".split())
_ELDER_TITLES: Final = frozenset(
    "sir lord colonel general major admiral father papa uncle grandfather judge old".split()
)
_YOUTH_TITLES: Final = frozenset("master young little".split())


def standing(character: Character) -> str | None:
    """A character's standing as the cast's names show it: "matron" (Mrs., Lady, an alias
    "Mother"), "maiden" (Miss), "elder" (Sir, Colonel, "Old ...") or "youth" (Master)."""
    words = {w.lower() for label in (character.name, *character.aliases) for w in label.split()}
    for titles, role in (
        (_MATRON_TITLES, "matron"),
        (_MAIDEN_TITLES, "maiden"),
        (_ELDER_TITLES, "elder"),
        (_YOUTH_TITLES, "youth"),
    ):
        if words & titles:
            return role
    return None
