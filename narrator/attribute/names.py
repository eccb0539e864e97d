"""The cast's names and aliases, and where the text mentions them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
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
    departs: bool = False
    """True when the sentence has this character leave ("Mrs. Okafor swept out", "She
    was gone", "he hung up")."""
    bound: bool = False
    """True when a he or she of this character's gender comes earlier in the name's
    clause ("he found himself riding with his dear Cyril"): that pronoun is someone else,
    and so, most likely, is the next "he said"."""
    inner: bool = False
    """True when the mention is the subject of a verb of thought, feeling or perception
    ("Nora wanted to crawl under her tray", "she didn't know"): the narration sees from
    inside this character."""


def _spelling(name: str) -> str:
    """A name as a pattern in which a space may be any run of whitespace (wrapped lines)."""
    return r"\s+".join(re.escape(part) for part in name.split())


@functools.lru_cache(maxsize=1 << 14)  # every capitalised word of a text is looked up
def _key(written: str) -> str:
    """How a name form is looked up: case and spacing ignored ("McBryde" is "Mcbryde")."""
    return " ".join(written.replace("\u2019", "'").split()).casefold()


_TITLE_WORDS: Final = frozenset(
    "mr mrs ms dr st mme mlle messrs rev prof capt col gen lt sgt".split()
)
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
    aliases of its own (a family name listed on its own)."""

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
                if label.split()[0].lower().strip(".") == "mrs" and len(parts) > 1:
                    parts = parts[1:]  # "Mrs. John Dashwood": John is her husband's name
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
        surnames: dict[str, set[str]] = {}
        for character in characters:
            for label in (character.name, *character.aliases):
                if len(label.split()) > 1:
                    surnames.setdefault(_key(label.split()[-1]), set()).add(character.name)
        self.family: dict[str, set[str]] = {name: set() for name in self.gender}
        """Who shares a family name with each character ("her mother" may be one of them)."""
        for owners in surnames.values():
            for name in owners:
                self.family[name] |= owners - {name}
        self._men_by_surname = {
            key: {o for o in owners if self.gender[o] == "male"}
            for key, owners in surnames.items()
            if len(owners) > 1
        }
        """A family name several characters share, and the men among them: a bare family
        name ("said Bounderby") is a man's, not his wife's or sister's."""
        self.surface = {key: sorted(owners) for key, owners in forms.items()}
        """Every name form (case-folded) and who it may name."""
        # Names that are descriptions ("The Waiter", "An Old Man"), by what follows the
        # article, in lower case: a tag's "said the waiter" may be that character. And
        # "the count" is the one Count of the cast.
        self.described: dict[str, str] = {}
        ranked: dict[str, set[str]] = {}
        definite: dict[str, str] = {}
        indefinite: dict[str, str] = {}
        for character in characters:
            for label in (character.name, *character.aliases):
                first, _, rest = label.partition(" ")
                if not rest:
                    continue
                if first.lower() in ("the", "a", "an"):
                    article = definite if first.lower() == "the" else indefinite
                    article.setdefault(" ".join(rest.lower().split()), character.name)
                elif first.lower() in RANKS:
                    ranked.setdefault(first.lower(), set()).add(character.name)
        self.described.update(indefinite)
        self.described.update(definite)  # "the waiter" is The Waiter before A Waiter
        for rank, owners in ranked.items():
            if len(owners) == 1:
                self.described.setdefault(rank, owners.pop())
        self._longest = max((len(key.split()) for key in forms), default=0)
        self._openers = frozenset(key.split()[0] for key in forms if key) | RANKS
        """The words a name form (or a rank) begins with: a capitalised word that is none
        of them begins no name, so the runs from it are not looked up."""
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
        self._unshared: dict[str, tuple[int, tuple[Mention, ...]]] = {}
        """Texts read before whose names name one character each, as found at an offset."""
        self.last_seen: dict[str, int] = {}
        """Where each character was last named unambiguously (offsets), for resolving a
        shared name form; the sieve notes mentions as it reads."""

    def may_be(self, character: str, gender: Gender) -> bool:
        """Whether a he or she of `gender` may mean the character (of it, or unknown)."""
        return self.gender.get(character, "unknown") in (gender, "unknown")

    def seen(self, character: str, offset: int) -> None:
        """Note that `character` was named at `offset`."""
        self.last_seen[character] = offset

    def mentions(self, text: str, offset: int = 0) -> list[Mention]:
        """Every name or alias in `text`, with offsets shifted by `offset`.

        Each capitalised run of words is looked up, longest first, among the case-folded
        name forms (a dictionary lookup per run, where one pattern of every form, case
        ignored, took seconds on a novel)."""
        if not self._longest:
            return []
        if text in self._unshared:  # a quote is read for names three times over
            was, kept = self._unshared[text]
            if was == offset:
                return list(kept)
            return [
                replace(m, start=m.start - was + offset, end=m.end - was + offset) for m in kept
            ]
        found = []
        words = [m.span() for m in _NAME_WORD.finditer(text)]
        k = 0
        while k < len(words):
            start = words[k][0]
            match = None
            if text[start].isupper() and self._opens_a_name(text[start : words[k][1]]):
                reach = k + 1
                while (
                    reach < len(words)
                    and reach - k < self._longest
                    and text[words[reach - 1][1] : words[reach][0]].isspace()
                ):
                    reach += 1
                for last in range(reach - 1, k - 1, -1):
                    written = _trimmed_name(text[start : words[last][1]])
                    if _key(written) in RANKS and _name_goes_on(text, words, last, reach):
                        break  # "Colonel Forster" is not the cast's Colonel Brandon
                    owner = self._owner(written) if written else None
                    if owner is not None:
                        match = (last, written, owner)
                        break
            if match is None:
                k += 1
                continue
            last, written, owner = match
            end = start + len(written)
            found.append(
                Mention(offset + start, offset + end, owner, shared=self.is_shared(written))
            )
            k = last + 1
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
        if not any(m.shared for m in found):  # (a shared form's owner depends on the moment)
            self._unshared[text] = (offset, tuple(found))
        return found

    def _opens_a_name(self, word: str) -> bool:
        return _key(word) in self._openers or _key(_trimmed_name(word)) in self._openers

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
        men = self._men_by_surname.get(_key(written), set()) & owners
        if men:
            owners = men
        # Shared: the one named most recently, else the one listed first in the cast.
        return max(owners, key=lambda o: (self.last_seen.get(o, -1), -self._order[o]))

    def is_shared(self, written: str) -> bool:
        return len(self._forms.get(_key(written), ())) > 1


def _name_goes_on(text: str, words: list[tuple[int, int]], last: int, reach: int) -> bool:
    """Whether the run of words goes on past word `last` with another capitalised word of
    the same name ("Colonel Forster"; not "Colonel. And", "Colonel said")."""
    if last + 1 >= reach or text[words[last][1] - 1] == ".":
        return False
    return text[words[last + 1][0]].isupper()


def _words(character: Character) -> list[str]:
    return [w for label in (character.name, *character.aliases) for w in label.split()]


_NAME_WORD: Final = re.compile(r"(?<![\w'\u2019])[^\W\d_][\w'\u2019.-]*")
"""A word as names are written ("Mr.", "O'Brien", "Mary-Jane", "Aziz's")."""
_TRAILING: Final = re.compile(r"(?:['\u2019]s|['\u2019]|[.\-])$")


@functools.lru_cache(maxsize=1 << 14)
def _trimmed_name(written: str) -> str:
    """A run of words without what may follow a name ("Aziz's" -> "Aziz", "Quested." ->
    "Quested"), a title's own full stop kept ("Mr.")."""
    while True:
        key = _key(written)
        if key.rstrip(".") in _TITLE_WORDS and written.endswith("."):
            return written
        trimmed = _TRAILING.sub("", written)
        if trimmed == written:
            return written
        written = trimmed


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
