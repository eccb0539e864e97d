"""Find the characters of a text that has no cast yet (for `narrator init`).

A capitalised name counts as a person when the text treats it as one: it speaks or acts
("said Tess", "Tess smiled"), it is addressed in dialogue ("Mer, wait"), or a sentence it
opens is followed by one opening with "He" or "She". Forms whose words contain one
another ("Alex", "Alex Karev") are one character, known by the most frequent form, unless
their titles disagree (Mr. Bennet is not Mrs. Bennet). Gender comes from the title, else
from those He/She sentences.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from narrator.text.english import NICKNAMES, SPEECH_VERBS, TITLES, is_verb_like, lemma
from narrator.text.segment import segment

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Chapter, Gender

_NAME: Final = re.compile(
    r"(?<![\w'\u2019])(?:(?:Mr|Mrs|Ms|Dr|Miss|Sir|Lady|Lord)\.?\s+)?"
    r"[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)*"
)
_WORD: Final = re.compile(r"[A-Za-z']+")
_FEMALE_TITLES: Final = frozenset({"Mrs", "Ms", "Miss", "Lady"})
_MALE_TITLES: Final = frozenset({"Mr", "Sir", "Lord"})
_FEMALE_KIN: Final = frozenset({"Gran", "Granny", "Grandma", "Nana", "Aunt", "Auntie", "Mama"})
_MALE_KIN: Final = frozenset({"Grandpa", "Gramps", "Grandad", "Granddad", "Uncle", "Papa"})
"""Kinship words used as names ("Gran said"): their gender is the word's."""
_COMMON: Final = frozenset(
    """I The A An And But Or So Then When While What Who Why How Where Which This That These
    Those There Here It He She They We You His Her Their Our Your My Its If As At In On Of For
    To From With By Up Down Out Not No Yes Oh Well Now Just Maybe Perhaps After Before Because
    Although Though Even Still Yet All Some Any Every Each One Two God Chapter Okay OK Hey Hi
    Hello Please Thank Thanks Sorry Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    Mum Mom Dad Mother Father Sir Madam Say Are Is Was Do Does Did Can Could Will Would Shall
    Should Yeah Ah Good Very Why Come Go Let Look See Tell Give Take Get""".split()
)


_PRONOUN_GENDER: Final = {
    "he": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "herself": "female",
}  # fmt: skip
_OWN: Final = re.compile(r"\b(his|her|himself|herself)\b")
_OWN_IN_TAG: Final = re.compile(r"\b(his|her|himself|herself|he|she)\b")
"""In a speech tag ('"...," Priya said, like she had been running') a subject pronoun
after the name is hers too."""


@dataclass(frozen=True, slots=True)
class Found:
    """A character found in the text."""

    name: str
    aliases: tuple[str, ...]
    gender: Gender
    mentions: int


@dataclass(slots=True)
class _Evidence:
    mentions: int = 0
    inside_sentence: int = 0
    person: int = 0
    genders: dict[str, float] = field(default_factory=dict)


def discover(chapters: Sequence[Chapter]) -> list[Found]:
    """The people the chapters name, most mentioned first."""
    seen: dict[str, _Evidence] = {}
    for chapter in chapters:
        opener: str | None = None
        previous = None
        for seg in segment(chapter):
            after_quote = (
                previous is not None
                and previous.kind == "dialogue"
                and previous.paragraph == seg.paragraph
            )
            previous_paragraph = previous.paragraph if previous is not None else -1
            previous = seg
            if seg.kind == "narration":
                # "Izzie pours coffee. She's in the kitchen": the name opened the sentence
                # before one that opens with a pronoun.
                pronoun = re.match(r"(He|She)\b", seg.text)
                if opener is not None and pronoun:
                    seen[opener].person += 1
                    key = "male" if pronoun.group(1) == "He" else "female"
                    seen[opener].genders[key] = seen[opener].genders.get(key, 0.0) + 1.0
                opener = _read(seg.text, False, seen, after_quote=after_quote)
            else:
                if previous_paragraph != seg.paragraph:
                    # A paragraph that opens with a quote is its speaker's: a "He" after it
                    # is the speaker, not whoever opened the narration before.
                    opener = None
                _read(seg.text, True, seen)
    names = [n for n, e in seen.items() if e.person and e.inside_sentence]
    found = []
    for forms in _group(names, seen):
        main = max(forms, key=lambda f: (not _is_short(f, forms), seen[f].mentions, -len(f)))
        genders: Counter[str] = Counter()
        for form in forms:
            genders.update(seen[form].genders)
        found.append(
            Found(
                name=main,
                aliases=tuple(sorted(f for f in forms if f != main)),
                gender=_gender(forms, genders),
                mentions=sum(seen[f].mentions for f in forms),
            )
        )
    return sorted(_with_listed(found, chapters), key=lambda f: (-f.mentions, f.name))


def listed_characters(chapters: Sequence[Chapter]) -> list[str]:
    """The names an archive's header lists as the work's characters ("Characters: Alex
    Karev, Izzie Stevens"), without fandom qualifiers ("Alex Karev (Grey's Anatomy)")."""
    names: list[str] = []
    for chapter in chapters:
        for note in chapter.notes:
            if note.label == "characters":
                for name in note.text.split(","):
                    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
                    if name and name not in names:
                        names.append(name)
    return names


def _with_listed(found: list[Found], chapters: Sequence[Chapter]) -> list[Found]:
    """The characters found, those the header lists merged into one each under the listed
    full name ("Alex" and "Karev" become "Alex Karev"); a listed name the text never uses
    is left out (tag lists name characters who are only mentioned, or absent)."""
    out = list(found)
    for listed in listed_characters(chapters):
        words = set(listed.split())
        parts = [
            f for f in out if words & {w for form in (f.name, *f.aliases) for w in form.split()}
        ]
        if not parts:
            mentions = _mentions(listed, chapters)
            if mentions:
                first = tuple(w for w in listed.split()[:1] if w != listed)
                out.append(Found(listed, first, "unknown", mentions))
            continue
        main = max(parts, key=lambda f: f.mentions)
        forms = {form for f in parts for form in (f.name, *f.aliases)} - {listed}
        merged = Found(
            name=listed,
            aliases=tuple(sorted(forms)),
            gender=main.gender,
            mentions=sum(f.mentions for f in parts),
        )
        out = [f for f in out if f not in parts] + [merged]
    return out


def _mentions(name: str, chapters: Sequence[Chapter]) -> int:
    """How often the story names someone by any word of `name` (first name, surname)."""
    words = [re.escape(w) for w in name.split() if w[:1].isupper() and w not in _COMMON]
    if not words:
        return 0
    pattern = re.compile(r"\b(?:" + "|".join(words) + r")\b")
    return sum(
        len(pattern.findall(chapter.text[p.start : p.end]))
        for chapter in chapters
        for p in chapter.paragraphs
    )


def _read(
    text: str, dialogue: bool, seen: dict[str, _Evidence], *, after_quote: bool = False
) -> str | None:
    """Count the names in one segment; the name opening it, if any. `after_quote`: the
    segment follows a quote in its paragraph, so a name opening it with a speech verb is a
    speech tag ("...," Izzie said), as sure a sign of a person as a name mid-sentence."""
    opener = None
    for match in _NAME.finditer(text):
        name, start = _strip_common(match.group(), match.start())
        if name is None:
            continue
        evidence = seen.setdefault(name, _Evidence())
        evidence.mentions += 1
        before = text[:start].rstrip()
        at_start = not before or before[-1] in '.!?"\u201c\u201d:'
        evidence.inside_sentence += not at_start
        if at_start and not before and not dialogue:
            opener = name
            # "Meredith has a smirk on her face": a weaker clue than the next sentence's.
            pattern = _OWN_IN_TAG if after_quote else _OWN
            own = pattern.search(text[start + len(name) :])
            if own:
                key = _PRONOUN_GENDER[own.group(1)]
                evidence.genders[key] = evidence.genders.get(key, 0.0) + 0.5
        end = start + len(name)
        if dialogue:
            # Addressed: set off by commas or the quote's edges ("Mer, wait", "Hey, Alex.").
            if (not before or before.endswith((",", "!", "?", "."))) and text[end : end + 1] in (
                "", ",", "!", "?", ".",
            ):  # fmt: skip
                evidence.person += 1
            continue
        possessive = text[end : end + 1] in ("'", "\u2019")
        after_words = [] if possessive else _WORD.findall(text[end : end + 30])
        before_words = _WORD.findall(text[max(0, start - 25) : start])
        speaks = bool(after_words) and lemma(after_words[0]) in SPEECH_VERBS
        if (after_words and (speaks or is_verb_like(after_words[0]))) or (
            before_words and lemma(before_words[-1]) in SPEECH_VERBS
        ):
            evidence.person += 1  # speaks or acts: "said Tess", "Tess smiled"
        if after_quote and at_start and not before and speaks:
            evidence.inside_sentence += 1  # a speech tag: '"...," Izzie said.'"
    return opener


def _strip_common(name: str, start: int) -> tuple[str | None, int]:
    """Drop capitalised common words the name pattern caught ("And Lydia" -> "Lydia")."""
    words = name.split()
    skip = 0
    while skip < len(words) and words[skip] in _COMMON:
        skip += 1
    rest = words[skip:]
    if not rest or all(w.lower().rstrip(".") in TITLES for w in rest):
        return None, start
    if skip:
        start += name.index(rest[0], len(" ".join(words[:skip])))
    return " ".join(rest), start


def _title(name: str) -> str | None:
    first = name.split()[0].rstrip(".")
    return first if first.lower() in TITLES else None


def _core(name: str) -> set[str]:
    return {w for w in name.replace(".", " ").split() if w.lower() not in TITLES}


def _group(names: list[str], seen: dict[str, _Evidence]) -> list[set[str]]:
    """Forms whose name words contain one another, titles agreeing, are one character;
    a lone word that several characters share (a family name) stays apart."""
    groups: list[set[str]] = []
    for name in sorted(names, key=lambda n: (-len(_core(n)), -seen[n].mentions)):
        core, title = _core(name), _title(name)
        fitting = [
            group
            for group in groups
            if any(core <= _core(member) for member in group)
            and all(_compatible(title, _title(member)) for member in group)
        ]
        if len(fitting) == 1:
            fitting[0].add(name)
        else:
            groups.append({name})
    return _short_forms(groups, seen)


def _is_short(name: str, forms: set[str]) -> bool:
    """Whether `name` is a short form of another of `forms`."""
    return any(_shortens(name, word) for other in forms for word in _core(other))


def _shortens(short: str, word: str) -> bool:
    """Whether `short` is a short form of the name `word`: its beginning ("Mer" of
    Meredith), or a nickname English gives it ("Teddy" of Theo, "Lizzy" of Elizabeth)."""
    if short == word:
        return False
    return word.startswith(short) or word.lower() in NICKNAMES.get(short.lower(), ())


def _short_forms(groups: list[set[str]], seen: dict[str, _Evidence]) -> list[set[str]]:
    """A one-word name that shortens exactly one other character's name is its short form
    ("Mer" of Meredith, "Pri" of Priya, "Teddy" of Theo)."""
    merged = [set(group) for group in groups]
    for group in list(merged):
        if len(group) != 1:
            continue
        (short,) = group
        if " " in short or len(short) < 2 or _title(short):
            continue
        longer = [
            other
            for other in merged
            if other is not group
            and any(_shortens(short, word) for name in other for word in _core(name))
        ]
        if len(longer) == 1:
            longer[0].add(short)
            merged.remove(group)
    return merged


def _compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    return not ({a, b} & _FEMALE_TITLES and {a, b} & _MALE_TITLES) and {a, b} != {"Mrs", "Miss"}


def _gender(forms: set[str], genders: Counter[str]) -> Gender:
    titles = {t for f in forms if (t := _title(f))}
    words = {w for f in forms for w in f.split()}
    if titles & _FEMALE_TITLES or words & _FEMALE_KIN:
        return "female"
    if titles & _MALE_TITLES or words & _MALE_KIN:
        return "male"
    female, male = genders["female"], genders["male"]
    if female > male:
        return "female"
    if male > female:
        return "male"
    return "unknown"
