"""Who is in the scene: the characters the narration names, how often and how lately, and
whose point of view it follows; and the antecedent a "he" or "she" in a tag points back to.

Read from the sieve's mentions (names, and sentence-opening pronouns it resolved) in
reading order, restarting at each scene break. A character only mentioned long ago, or
in another scene, is not who "she said" means; the one acting in the sentences just
before the quote usually is. The scene's point-of-view character, in close third person,
is the one whose thoughts, feelings and perceptions its narration reports ("Nora wanted
to crawl under her tray"): the likeliest "she" of a tag (measured on the dev novels: +0.45
to a tag's he or she that fits it). Its most frequent subject, its focus, is a weaker sign.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

    from narrator.attribute.names import Mention, NameIndex
    from narrator.model import Gender, Segment

ANTECEDENT_PARAGRAPHS: Final = 2
"""A tag's pronoun points back at most this many paragraphs before its quote's."""


@dataclass(frozen=True, slots=True)
class SceneSoFar:
    """The scene up to the start of one paragraph."""

    mentions: Mapping[str, int]
    """How often each character has been named (or pronoun-resolved) in the scene."""
    subjects: Mapping[str, int]
    """How often each has been the subject of a sentence in the scene."""
    last: Mapping[str, int]
    """The paragraph each was last mentioned in, within the scene."""
    gone: frozenset[str] = frozenset()
    """Those the narration has leave the scene, and not come back into it since."""
    pov: str | None = None
    """Whose thoughts and feelings the whole scene's narration reports, if one stands out:
    its point-of-view character in close third person."""
    focus: str | None = None
    """The scene's most frequent subject so far (the latest named of equals)."""


_EMPTY: Final = SceneSoFar({}, {}, {})


class Scenes:
    """The scene so far at each paragraph that holds dialogue."""

    def __init__(self, segments: list[Segment], mentions: list[Mention], me: str | None) -> None:
        self._mentions = mentions
        self._starts = [m.start for m in mentions]
        self._me = me
        wanted = {seg.paragraph for seg in segments if seg.kind == "dialogue"}
        scene_of = {seg.paragraph: seg.scene for seg in segments}
        by_paragraph: dict[int, list[Mention]] = {}
        for mention in mentions:
            by_paragraph.setdefault(mention.paragraph, []).append(mention)
        self._at: dict[int, SceneSoFar] = {}
        inner: dict[int | None, Counter[str]] = {}
        for mention in mentions:
            if mention.inner and mention.character != me:
                inner.setdefault(scene_of.get(mention.paragraph), Counter())[mention.character] += 1
        # (A first-person story is seen from inside its narrator, whoever else it follows.)
        pov = {} if me else {scene: _standing_out(counts) for scene, counts in inner.items()}
        counts: Counter[str] = Counter()
        subjects: Counter[str] = Counter()
        last: dict[str, int] = {}
        gone: set[str] = set()
        scene = None
        for paragraph in sorted(set(scene_of) | set(by_paragraph)):
            if scene_of.get(paragraph, scene) != scene:
                scene = scene_of.get(paragraph, scene)
                counts, subjects, last, gone = Counter(), Counter(), {}, set()
            if paragraph in wanted:
                focus = max(subjects, key=lambda n: (subjects[n], last.get(n, -1)), default=None)
                self._at[paragraph] = SceneSoFar(
                    dict(counts), dict(subjects), dict(last), frozenset(gone), pov.get(scene), focus
                )
            for mention in by_paragraph.get(paragraph, ()):
                if mention.character == me:
                    continue  # the first-person narrator is in every scene
                counts[mention.character] += 1
                subjects[mention.character] += mention.subject
                last[mention.character] = paragraph
                if mention.departs:
                    gone.add(mention.character)
                else:
                    gone.discard(mention.character)  # named in the scene again

    def at(self, paragraph: int) -> SceneSoFar:
        """The scene so far when `paragraph` begins (for a paragraph with dialogue)."""
        return self._at.get(paragraph, _EMPTY)

    def antecedents(
        self, seg: Segment, cast: NameIndex, gender: Gender
    ) -> tuple[str | None, str | None]:
        """What a he or she of `gender` in `seg`'s tag points back to: the nearest subject
        of that gender in the narration before it (this paragraph or the two before), and
        the nearest mention of that gender at all."""
        subject = any_mention = None
        at = bisect.bisect_left(self._starts, seg.start)
        for mention in reversed(self._mentions[max(0, at - 60) : at]):
            if mention.paragraph < seg.paragraph - ANTECEDENT_PARAGRAPHS:
                break
            # Named mentions only: the sieve's own resolution of a he or she is a guess,
            # and measured, a guessed antecedent misleads more than none.
            if (
                mention.pronoun
                or mention.bound
                or mention.character == self._me
                or not cast.may_be(mention.character, gender)
            ):
                continue
            if any_mention is None:
                any_mention = mention.character
            if mention.subject:
                subject = mention.character
                break
        return subject, any_mention


def _standing_out(counts: Counter[str]) -> str | None:
    """The one character whose inner life the narration reports at least twice, and more
    often than anyone else's."""
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def by_recency(
    mentions: list[Mention], starts: list[int], start: int, me: str | None
) -> tuple[list[str], list[str], list[str]]:
    """Characters by their latest narration mention before `start` (nearest first): all
    mentions, subject mentions, and mentions that a he or she could mean (not `bound`);
    the first-person narrator left out."""
    at = bisect.bisect_left(starts, start)
    recent: dict[str, None] = {}
    subjects: dict[str, None] = {}
    free: dict[str, None] = {}
    for mention in reversed(mentions[max(0, at - 80) : at]):
        if mention.character == me or mention.pronoun:
            continue
        recent.setdefault(mention.character, None)
        if not mention.bound:
            free.setdefault(mention.character, None)
        if mention.subject:
            subjects.setdefault(mention.character, None)
    return list(recent), list(subjects), list(free)
