"""Reading the narration for who it mentions: names, sentence-opening pronouns, and the
narrator's own "I" in a first-person story, each marked as its sentence's subject or not.

The sieve reads the chapter in order with this; the mentions are what pronoun
resolution, scene presence and the ranker's recency features look back through.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Final

from narrator.attribute.cues import departs
from narrator.attribute.names import Mention
from narrator.attribute.speech_tags import NOT_SUBJECT_BEFORE
from narrator.text.english import (
    PRONOUNS,
    inner_verb_follows,
    is_verb_like,
    opening_pronoun,
    verb_follows,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.attribute.names import NameIndex
    from narrator.model import Gender, Segment

_WORD: Final = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_ASIDE: Final = re.compile(r",[^,.;:!?\"\u201c\u201d]{3,120},\s*([a-z]+)")
"""A clause between commas after a name, and the word after it."""
_LOOK_BACK: Final = 60
"""Mentions looked back through for a sentence-opening pronoun's referent."""


def read_mentions(
    seg: Segment,
    cast: NameIndex,
    me: str | None,
    earlier: Sequence[Mention],
    tagged: str | None,
) -> list[Mention]:
    """The mentions in one narration segment. A sentence opening with he or she refers to
    `tagged` (the speaker of the quote this narration tags, when known), else to the
    latest subject of that gender among the `earlier` mentions."""
    words = [(m.start(), m.group()) for m in _WORD.finditer(seg.text)]
    if not words:
        return []
    found: list[Mention] = []
    if me is not None:
        # In first-person narration every I, me and my is the narrator.
        for offset, word in words:
            if word in ("I", "me", "my", "myself"):
                start = seg.start + offset
                found.append(
                    Mention(start, start + len(word), me, seg.paragraph, subject=word == "I")
                )
    gender = PRONOUNS.get(words[0][1].lower())
    if gender is not None:
        referent = tagged or next(
            (
                m.character
                for m in reversed(earlier[-_LOOK_BACK:])
                if m.subject and m.character != me and cast.may_be(m.character, gender)
            ),
            None,
        )
        if referent is not None:
            start = seg.start + words[0][0]
            found.append(
                Mention(
                    start,
                    start + len(words[0][1]),
                    referent,
                    seg.paragraph,
                    subject=True,
                    pronoun=True,
                    departs=departs(seg.text[words[0][0] + len(words[0][1]) :]),
                    inner=inner_verb_follows([w for _, w in words[1:5]]),
                )
            )
    for mention in cast.mentions(seg.text, seg.start):
        if not mention.shared:
            cast.seen(mention.character, mention.start)
        rest = seg.text[mention.end - seg.start :]
        after = _WORD.findall(rest)[:4]
        sentence_start = mention.start == seg.start + words[0][0]
        possessive = rest.startswith(("'s", "\u2019s"))
        # `Mrs. Dashwood, attributing it to his mother, sat down`: a clause set off by
        # commas between the subject and its verb.
        aside = _ASIDE.match(rest)
        follows = verb_follows(after) or (aside is not None and is_verb_like(aside.group(1)))
        before_text = seg.text[: mention.start - seg.start]
        before = _WORD.findall(before_text)[-1:]
        # `where Elinor presided`, `to Mary`: not the subject of the sentence.
        governed = bool(before) and before[0].lower() in NOT_SUBJECT_BEFORE
        subject = (sentence_start and possessive) or (follows and not possessive and not governed)
        found.append(
            dataclasses.replace(
                mention,
                paragraph=seg.paragraph,
                subject=subject,
                departs=not possessive and departs(rest, subject=subject),
                bound=not subject and _bound(before_text, cast.gender.get(mention.character)),
                inner=not possessive and inner_verb_follows(after),
            )
        )
    return found


_CLAUSE_START: Final = re.compile(r".*[.;!?:]", re.DOTALL)
"""Everything up to the last clause break: what is left is the clause a name stands in."""


def _bound(before: str, gender: Gender | None) -> bool:
    """Whether a he or she of `gender` comes earlier in the clause that `before` ends in
    (`he found himself riding with his dear Cyril`): a name the pronoun cannot mean."""
    clause = _CLAUSE_START.sub("", before)
    return any(PRONOUNS.get(w.lower()) == gender for w in _WORD.findall(clause))


def pronoun_paragraphs(segments: Sequence[Segment]) -> dict[int, Gender]:
    """Paragraphs of narration alone that open with "He" or "She", and that gender ("He
    held out his hand." before a quote)."""
    first: dict[int, str] = {}
    for seg in segments:
        first.setdefault(seg.paragraph, seg.text)
    spoken = {seg.paragraph for seg in segments if seg.kind == "dialogue"}
    return {p: g for p, text in first.items() if p not in spoken and (g := opening_pronoun(text))}
