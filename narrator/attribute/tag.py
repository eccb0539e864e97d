"""What a speech tag says of its speaker (the tag reader's finding, read by the sieve and
the ranker), and the reading of a speaker known by a description (`said the old man`,
`her mother said`, `said the drummer` when the cast has "The Drummer")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from narrator.text.english import (
    DETERMINERS,
    GENDERED_NOUNS,
    PRONOUN_POSSESSIVES,
    Role,
    standing_described,
)

if TYPE_CHECKING:
    from narrator.attribute.names import NameIndex
    from narrator.model import Gender

SubjectKind = Literal["name", "pronoun", "first-person", "description", "outsider"]


@dataclass(frozen=True, slots=True)
class Tag:
    """The speaker a tag names, and how."""

    kind: SubjectKind
    character: str | None = None
    """For "name": the character; for "description": the cast member with that
    description for a name ("The Waiter"), if any."""
    gender: Gender | None = None
    """For "pronoun": he or she."""
    speech: bool = True
    """False when the verb is an action, not speech (`She smiled.`): a weaker clue."""
    listeners: frozenset[str] = frozenset()
    """Characters the tag says are spoken to (`said she to Charlotte`)."""
    possessor: Gender | None = None
    """For a description owned by a he or she ("her mother", "his wife"): that person's
    gender. The speaker is someone else than the possessor."""
    role: Role | None = None
    """What the description says of the speaker's standing: "matron" (a mother, an aunt,
    an old lady), "maiden" (a girl, a daughter), "elder" or "youth" (an old man, a boy)."""
    heard: bool = False
    """A voice heard, not a person seen ("said the voice on the phone", "a voice said"):
    on a telephone call, the caller."""


def described_speaker(words: list[str], cast: NameIndex) -> Tag | None:
    """`the worthy woman`, `his lady`, `that brisk official` (lower-cased words): a
    described speaker, with a gender when a word of the description carries one."""
    if words and words[0] in ("and", "but", "then"):
        words = words[1:]  # `and her mother, with sudden tenderness, said:`
    if not words or words[0] not in DETERMINERS:
        return None
    gender = next((GENDERED_NOUNS[w] for w in words[1:] if w in GENDERED_NOUNS), None)
    possessor = PRONOUN_POSSESSIVES.get(words[0])
    role = standing_described(words[1:], gender)
    # `said the drummer` when the cast has "The Drummer": longest description first.
    described = next(
        (
            cast.described[phrase]
            for n in range(len(words) - 1, 0, -1)
            if (phrase := " ".join(words[1 : 1 + n])) in cast.described
        ),
        None,
    )
    heard = possessor is None and "voice" in words[1:3]
    return Tag("description", described, gender=gender, possessor=possessor, role=role, heard=heard)
