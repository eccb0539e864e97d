"""Which name forms are one person, and what sex the names say.

Forms whose words contain one another ("Alex", "Alex Karev") are one character, unless
their titles or given names disagree: Mr. Bennet is not Mrs. Bennet, Mrs. Callendar not
Major Callendar, "Mrs. John Dashwood" not John Dashwood. A one-word form that shortens
exactly one other character's name is its short form ("Mer" of Meredith, "Teddy" of
Theo). A character's sex is its title's or kinship word's, else what the pronouns that
refer to it say, else what its given name says (census data, `given_names.txt`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from narrator.text.english import NICKNAMES, RANKS, TITLE_GENDERS, TITLES, given_name_gender

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Mapping, Set

    from narrator.model import Gender

_FEMALE_KIN: Final = frozenset({"Gran", "Granny", "Grandma", "Nana", "Aunt", "Auntie", "Mama"})
_MALE_KIN: Final = frozenset({"Grandpa", "Gramps", "Grandad", "Granddad", "Uncle", "Papa"})
"""Kinship words used as names ("Gran said"): their gender is the word's."""
TITLE_WORDS: Final = TITLES | TITLE_GENDERS.keys() | RANKS | {"cousin"}
"""Words that, opening a longer name, are its title ("Major Callendar", "Aunt Chloe")."""
_PATRONYMICS: Final[tuple[tuple[str, Gender], ...]] = (
    ("vitch", "male"),
    ("vich", "male"),
    ("itch", "male"),
    ("ovna", "female"),
    ("evna", "female"),
)
"""Russian patronymics as English translations spell them (Alexis Ivanovitch, Potapitch,
Polina Alexandrovna): a man's or a woman's whatever the pronouns near them."""
_GIVEN_NAME_ENDINGS: Final[tuple[tuple[str, Gender], ...]] = (
    ("ia", "female"),
    ("ette", "female"),
    ("elle", "female"),
)
"""Endings of given names that are nearly always a woman's (Nastasia, Theodosia, Odette,
Danielle), for a name that neither the census list nor any pronoun settles."""
_MATRONS: Final = frozenset({"mrs", "madame", "mme"})
_MAIDENS: Final = frozenset({"miss", "mlle", "mademoiselle"})


def title_of(name: str) -> str | None:
    """The title a name of two words or more opens with, lower case ("mrs", "major")."""
    words = name.replace(".", " ").split()
    return words[0].lower() if len(words) > 1 and words[0].lower() in TITLE_WORDS else None


def _untitled(name: str) -> list[str]:
    """A name's words without its title."""
    words = name.replace(".", " ").split()
    return words[1:] if title_of(name) else words


def _core(name: str) -> set[str]:
    return set(_untitled(name))


def _given(name: str) -> str:
    """The first word of a name after its title."""
    return _untitled(name)[0]


def _implied(name: str) -> Gender | None:
    """The sex a name form says by itself: its title's, else its given name's ("Mrs. John
    Dashwood" is a woman, "John Dashwood" a man)."""
    title = title_of(name)
    if title is not None:
        return TITLE_GENDERS.get(title)
    return given_name_gender(name.split()[0]) if " " in name else None


def group_forms(
    names: list[str], mentions: Mapping[str, int], spoken_only: Set[str] = frozenset()
) -> list[set[str]]:
    """Forms whose name words contain one another, titles agreeing, are one character;
    a lone word that several characters share (a family name) stays apart. `spoken_only`:
    forms the text uses only in dialogue, which may be pet names (see `_short_forms`)."""
    groups: list[set[str]] = []
    for name in sorted(names, key=lambda n: (-len(_core(n)), -mentions[n])):
        core = _core(name)
        fitting = [
            group
            for group in groups
            if any(core <= _core(member) for member in group)
            and all(_compatible(name, member) for member in group)
        ]
        if len(fitting) > 1 and title_of(name) not in (None, *_MATRONS):
            # "Sir John" is Sir John Middleton, not John Dashwood: a title with a given
            # name. (After Mrs. comes a family name: "Mrs. Manson" is not "Mrs. Manson
            # Mingott", nor "Mrs. Dashwood" "Mrs. John Dashwood".)
            fitting = [
                g for g in fitting
                if any(title_of(m) == title_of(name) and _given(m) in core for m in g)
            ]  # fmt: skip
        if len(fitting) == 1 and not _husband(name, fitting[0]):
            fitting[0].add(name)
        else:
            groups.append({name})
    return _ranks(_short_forms(groups, spoken_only))


def _husband(name: str, group: set[str]) -> bool:
    """Whether a bare family name is more likely the husband's than that of the wife its
    group holds ("Braddocks" beside "Mrs. Braddocks": she is "Mrs. Braddocks"; "Catherine"
    is still Lady Catherine)."""
    return (
        " " not in name
        and title_of(name) is None
        and all(title_of(m) == "mrs" and m.split()[-1] == name for m in group)
    )


def _ranks(groups: list[set[str]]) -> list[set[str]]:
    """A rank alone ("Colonel") is the one character who bears it ("Colonel Brandon")."""
    merged = [set(group) for group in groups]
    for group in list(merged):
        if len(group) != 1:
            continue
        (rank,) = group
        if rank.lower() not in RANKS:
            continue
        bearers = [
            other for other in merged
            if other is not group and any(title_of(m) == rank.lower() for m in other)
        ]  # fmt: skip
        if len(bearers) == 1:
            bearers[0].add(rank)
            merged.remove(group)
    return merged


def is_short(name: str, forms: set[str]) -> bool:
    """Whether `name` is a short form of another of `forms`."""
    return any(_shortens(name, word) for other in forms for word in _core(other))


def _shortens(short: str, word: str) -> bool:
    """Whether `short` is a short form of the name `word`: its beginning ("Mer" of
    Meredith), or a nickname English gives it ("Teddy" of Theo, "Lizzy" of Elizabeth)."""
    if short == word:
        return False
    return word.startswith(short) or word.lower() in NICKNAMES.get(short.lower(), ())


def _short_forms(groups: list[set[str]], spoken_only: Set[str]) -> list[set[str]]:
    """A one-word name that shortens exactly one other character's name is its short form
    ("Mer" of Meredith, "Pri" of Priya, "Teddy" of Theo). A name only ever said in
    dialogue that begins like exactly one character's given name is that character's pet
    name ("I'm serious, Lee" to Lena, "Katie" to Kathleen): a person of the story is named
    in its narration too."""
    merged = [set(group) for group in groups]
    for group in list(merged):
        if len(group) != 1:
            continue
        (short,) = group
        if " " in short or len(short) < 2 or title_of(short):
            continue
        longer = [
            other
            for other in merged
            if other is not group
            and any(_shortens(short, word) for name in other for word in _core(name))
        ]
        if not longer and short in spoken_only and short not in _FEMALE_KIN | _MALE_KIN:
            longer = [
                other
                for other in merged
                if other is not group and any(_pet_name(short, name) for name in other)
            ]
        if len(longer) == 1:
            longer[0].add(short)
            merged.remove(group)
    return merged


def _pet_name(short: str, name: str) -> bool:
    """Whether `short` (four letters at most) may be a pet name made from the given name
    that `name` opens with: it shares that name's first two letters ("Lee" of Lena, "Kat"
    of Katherine, "Evie" of Evelyn); a surname ("Mrs. Jones") gives none."""
    given = _given(name)
    return (
        title_of(name) is None
        and len(short) <= 4
        and len(short) < len(given)
        and given[:2] == short[:2]
    )


def _compatible(a: str, b: str) -> bool:
    """Whether two name forms may be one person: their titles and given names do not say
    different sexes, a woman's title does not meet a rank (Mrs. Callendar is not Major
    Callendar), and a married woman's title does not meet an unmarried one's."""
    ta, tb = title_of(a), title_of(b)
    ga, gb = _implied(a), _implied(b)
    if ga is not None and gb is not None and ga != gb:
        return False
    if ta is None or tb is None or ta == tb:
        return True
    if {ta, tb} & _MATRONS and {ta, tb} & _MAIDENS:
        return False
    female = [t for t in (ta, tb) if TITLE_GENDERS.get(t) == "female"]
    return len(female) != 1 or TITLE_GENDERS.get(ta if female[0] == tb else tb) is not None


def gender_of(forms: set[str], genders: Counter[str]) -> Gender:
    """A title's, kinship word's or patronymic's sex, else the given name's, else the
    pronouns' verdict, else what the given name's ending says."""
    titled = {g for f in forms if (t := title_of(f)) and (g := TITLE_GENDERS.get(t))}
    words = {w for f in forms for w in f.split()}
    if words & _FEMALE_KIN:
        titled.add("female")
    if words & _MALE_KIN:
        titled.add("male")
    titled |= {g for w in words for ending, g in _PATRONYMICS if w.endswith(ending)}
    if len(titled) == 1:
        return titled.pop()
    given = {g for f in forms if (g := given_name_gender(f.split()[0])) and not title_of(f)}
    if len(given) == 1:
        return given.pop()
    female, male = genders["female"], genders["male"]
    if female > male:
        return "female"
    if male > female:
        return "male"
    endings = {
        g for f in forms if not title_of(f)
        for ending, g in _GIVEN_NAME_ENDINGS if f.split()[0].endswith(ending)
    }  # fmt: skip
    return endings.pop() if len(endings) == 1 else "unknown"
