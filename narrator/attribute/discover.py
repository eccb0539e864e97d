"""Find the characters of a text that has no cast yet (for `narrator init`).

The text is read for its capitalised names and what it shows of each
(`name_evidence.py`: a person's name or not, the pronouns that tell the sex); the forms
that are one person are grouped, and their sex settled, by `name_forms.py`. Speakers known
only by a description that speech tags use ("said the waiter") are `epithets.py`'s; the
characters an archive's header lists ("Characters: Alex Karev, ...") are merged in.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narrator.attribute.epithets import AT_LEAST, epithet_gender, epithet_name
from narrator.attribute.name_evidence import COMMON_WORDS, ChapterReader, NameEvidence, is_named
from narrator.attribute.name_forms import gender_of, group_forms, is_short
from narrator.text.segment import segment

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Chapter, Gender


@dataclass(frozen=True, slots=True)
class Found:
    """A character found in the text."""

    name: str
    aliases: tuple[str, ...]
    gender: Gender
    mentions: int
    minor: bool = False
    """Named once and never in a speech tag: `init` lists it commented out."""


def discover(chapters: Sequence[Chapter]) -> list[Found]:
    """The people the chapters name, most mentioned first."""
    seen: dict[str, NameEvidence] = {}
    epithets: Counter[str] = Counter()
    for chapter in chapters:
        reader = ChapterReader(seen, epithets)
        for seg in segment(chapter):
            reader.read(seg)
    names = [n for n, e in seen.items() if e.person and e.inside_sentence and is_named(e)]
    found = []
    spoken_only = {n for n in names if not seen[n].narrated}
    for forms in group_forms(names, {n: seen[n].mentions for n in names}, spoken_only):
        main = max(forms, key=lambda f: (not is_short(f, forms), seen[f].mentions, -len(f)))
        genders: Counter[str] = Counter()
        for form in forms:
            genders.update(seen[form].genders)
        mentions = sum(seen[f].mentions for f in forms)
        found.append(
            Found(
                name=main,
                aliases=tuple(sorted(f for f in forms if f != main)),
                gender=gender_of(forms, genders),
                mentions=mentions,
                minor=mentions < 2 and not any(seen[f].speaks for f in forms),
            )
        )
    # Speakers known by a description ("said the waiter") that no name covers already.
    named = {form.casefold() for f in found for form in (f.name, *f.aliases)}
    found += [
        Found(epithet_name(d), (), epithet_gender(d), n)
        for d, n in epithets.items()
        if n >= AT_LEAST and d.casefold() not in named
    ]
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
    words = [re.escape(w) for w in name.split() if w[:1].isupper() and w not in COMMON_WORDS]
    if not words:
        return 0
    pattern = re.compile(r"\b(?:" + "|".join(words) + r")\b")
    return sum(
        len(pattern.findall(chapter.text[p.start : p.end]))
        for chapter in chapters
        for p in chapter.paragraphs
    )
