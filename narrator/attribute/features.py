"""The ranker's evidence: each quotation's candidate speakers and their features.

For each quotation the candidates are the sieve's choice, the speakers of nearby turns,
the characters addressed or mentioned nearby and the first-person narrator. Each
candidate gets a few dozen features: which rule chose it, whether a tag names it or its
gender fits a tag's pronoun, whether it was addressed in the turn before, where it was
last mentioned, whether it spoke one or two turns ago. No feature names a character,
book or phrase.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from typing import TYPE_CHECKING, Final

from narrator.attribute.cues import announces, names_self
from narrator.attribute.participants import Participants
from narrator.attribute.reading import pronoun_paragraphs
from narrator.attribute.scene import Scenes, by_recency
from narrator.attribute.sieve import NEAR
from narrator.model import UNKNOWN

if TYPE_CHECKING:
    from narrator.attribute.names import Mention
    from narrator.attribute.sieve import Sieve
    from narrator.model import Gender

_WINDOW_TURNS: Final = 6
_WINDOW_PARAGRAPHS: Final = 30
_EDGE: Final = 60
"""Mentions taken from the end of the paragraph before, the start of the one after."""
_MAX_CANDIDATES: Final = 24
_SCENE_CANDIDATES: Final = 12
_SCENE_MENTIONS: Final = 3
"""The scene's most named characters are candidates, however long ago they were named
(measured, leave-one-novel-out: the 12 named 3 times or more +44 quotes; the 6 named 3 times
+25; all named twice +39; the 12 named 8 times +41)."""
_YOUNG: Final = ("maiden", "youth")  # standings not called sir or ma'am
_GENDERED: Final = ("pronoun", "description")
"""Tags whose gender rules out candidates of the other sex (`she said`, `said the old man`)."""
_FROM_NEIGHBOURS: Final = frozenset({"turn-taking", "fallback"})
"""Sieve rules that guess from the neighbouring turns; decoding does that better."""
_GUESSED: Final = _FROM_NEIGHBOURS | {"pronoun-tag"}
"""Sieve verdicts that are guesses: from the neighbouring turns, or a he or she resolved."""


class Evidence:
    """What the ranker looks at, gathered once per chapter from a finished sieve."""

    def __init__(self, sieve: Sieve) -> None:
        self.sieve = sieve
        self.speaker_of_turn = [t.verdict.speaker if t.verdict else None for t in sieve.turns]
        """The sieve's speaker of each turn (for candidates and conversation membership)."""
        self.evidenced_speaker = [
            t.verdict.speaker if t.verdict and t.verdict.rule not in _GUESSED else None
            for t in sieve.turns
        ]
        """The same where the sieve read it from the turn's own evidence, not guessed it
        from its neighbours or by resolving a pronoun (features built on a guess only echo
        the sieve's alternation and salience, and one early mistake runs through an
        exchange)."""
        self.prior = Counter(s for s in self.speaker_of_turn if s)
        self.total = sum(self.prior.values()) or 1
        self.by_character: dict[str, list[int]] = {}
        self.subject_starts: dict[str, list[int]] = {}
        self.paragraph_of_mention: dict[str, list[int]] = {}
        for mention in sieve.mentions:
            if mention.pronoun:
                continue
            self.by_character.setdefault(mention.character, []).append(mention.start)
            self.paragraph_of_mention.setdefault(mention.character, []).append(mention.paragraph)
            if mention.subject:
                self.subject_starts.setdefault(mention.character, []).append(mention.start)
        self.people = Participants(sieve)
        self.scenes = Scenes(sieve.segments, sieve.mentions, sieve.me)
        self._inside: dict[int, list[Mention]] = {}
        self.mention_starts = [m.start for m in sieve.mentions]
        self._narration: dict[int, dict[str, dict[str, float]]] = {}
        self._ranked: dict[int, tuple[dict[str, str], ...]] = {}
        self._antecedents: dict[tuple[int, Gender], tuple[str | None, str | None]] = {}
        self.mentions_by_paragraph: dict[int, list[tuple[int, str, bool]]] = {}
        self._starts_by_paragraph: dict[int, list[int]] = {}
        for mention in sieve.mentions:
            self.mentions_by_paragraph.setdefault(mention.paragraph, []).append(
                (mention.start, mention.character, mention.subject)
            )
        self.opens_with_pronoun = pronoun_paragraphs(sieve.segments)
        spoken = {seg.paragraph for seg in sieve.segments if seg.kind == "dialogue"}
        self.last_subject: dict[int, Mention] = {
            mention.paragraph: mention
            for mention in sieve.mentions
            if mention.subject and mention.paragraph not in spoken
        }
        """The last subject of each paragraph of narration alone."""

    def _near(self, paragraph: int, start: int) -> list[tuple[int, str, bool]]:
        """The paragraph's mentions within `NEAR` characters of `start` (all of them in
        any paragraph of prose; a stretch of a wall of text)."""
        mentions = self.mentions_by_paragraph.get(paragraph, [])
        if len(mentions) <= _EDGE:
            return mentions
        starts = self._starts_by_paragraph.get(paragraph)
        if starts is None:
            starts = self._starts_by_paragraph[paragraph] = [m[0] for m in mentions]
        return mentions[
            bisect.bisect_left(starts, start - NEAR) : bisect.bisect_right(starts, start + NEAR)
        ]

    def candidates(self, i: int) -> list[str]:
        """Who could have said quote i, nearest evidence first."""
        sieve = self.sieve
        seg = sieve.segments[i]
        found: dict[str, None] = {}
        verdict = sieve.verdicts.get(i)
        if verdict is not None:
            found[verdict.speaker] = None
        k = sieve.turn_of.get(i)
        if k is not None:
            for j in range(k - _WINDOW_TURNS, k + _WINDOW_TURNS + 1):
                if 0 <= j < len(self.speaker_of_turn) and sieve.turns[j].scene == seg.scene:
                    if self.speaker_of_turn[j]:
                        found[self.speaker_of_turn[j]] = None  # type: ignore[index]
                    for name in sorted(sieve.turns[j].addressed):
                        found[name] = None
        for _, name, _ in reversed(self._near(seg.paragraph, seg.start)):
            found[name] = None
        for p in range(seg.paragraph - 1, seg.paragraph - _WINDOW_PARAGRAPHS, -1):
            for _, name, _ in reversed(self.mentions_by_paragraph.get(p, [])[-_EDGE:]):
                found[name] = None
        for _, name, _ in self.mentions_by_paragraph.get(seg.paragraph + 1, [])[:_EDGE]:
            found[name] = None
        # Who the scene keeps naming, however long ago (`Aziz` named once, then "he" for
        # a hundred paragraphs of talk with "the woman").
        scene = self.scenes.at(seg.paragraph).mentions
        for name in sorted(scene, key=lambda n: -scene[n])[:_SCENE_CANDIDATES]:
            if scene[name] >= _SCENE_MENTIONS:
                found[name] = None
        if sieve.me is not None:
            found[sieve.me] = None
        found.pop(UNKNOWN, None)
        tags = sieve.found_tags.get(i)
        if not tags:
            # An untagged quote is spoken by someone already in the scene.
            present = self._present(i)
            found = {name: None for name in found if name in present} or found
        said = {t.gender for t in tags or () if t.speech and t.kind in _GENDERED and t.gender}
        if len(said) == 1:  # `"...," she said`: not a man, nor a first-person narrator
            fitting = [n for n in found if n != sieve.me and sieve.cast.may_be(n, *said)]
            found = dict.fromkeys(fitting or found)
        return list(found)[:_MAX_CANDIDATES]

    def _present(self, i: int) -> set[str]:
        """Who is in quote i's scene before it: named in its narration, tagged as a speaker
        or addressed in its dialogue, or narrating it as "I"; not who the narration has
        leave it."""
        sieve = self.sieve
        seg = sieve.segments[i]
        scene = self.scenes.at(seg.paragraph)
        present = set(scene.mentions)
        here = self.mentions_by_paragraph.get(seg.paragraph, ())
        present.update(name for start, name, _ in here if start < seg.start)
        k = sieve.turn_of.get(i)
        if k is not None:
            present |= self.people.shown_before[k] | sieve.turns[k].addressed
            present.discard(UNKNOWN)
        verdict = sieve.verdicts.get(i)
        if verdict is not None and verdict.rule not in _FROM_NEIGHBOURS:
            present.add(verdict.speaker)  # "Nor, it's Pri": a caller comes in by speaking
        present -= scene.gone  # "after Pri hung up"
        if sieve.me is not None:
            present.add(sieve.me)
        return present

    def features(self, i: int, name: str) -> dict[str, float]:
        """The features of `name` as the speaker of quote i."""
        sieve = self.sieve
        seg = sieve.segments[i]
        f: dict[str, float] = {}
        verdict = sieve.verdicts.get(i)
        if verdict is not None and verdict.speaker == name and verdict.rule not in _FROM_NEIGHBOURS:
            f[f"sieve={verdict.rule}"] = 1.0
            f["sieve_confidence"] = verdict.confidence
        gender = sieve.cast.gender.get(name, "unknown")
        for tag in sieve.found_tags.get(i, []):
            prefix = "tag" if tag.speech else "action"
            if tag.kind == "name":
                f[f"{prefix}_names"] = f.get(f"{prefix}_names", 0.0) + (tag.character == name)
                f[f"{prefix}_names_other"] = f.get(f"{prefix}_names_other", 0.0) + (
                    tag.character != name
                )
            elif tag.kind == "pronoun" and tag.gender is not None:
                if name == sieve.me:
                    f[f"{prefix}_pronoun_is_narrator"] = 1.0  # the narrator is "I", not "he"
                elif gender == tag.gender:
                    f[f"{prefix}_pronoun_fits"] = 1.0
                elif gender == "unknown":
                    f[f"{prefix}_pronoun_unknown_gender"] = 1.0
                else:
                    f[f"{prefix}_pronoun_clashes"] = 1.0
            elif tag.kind == "first-person":
                f[f"{prefix}_i"] = float(name == sieve.me)
            elif tag.kind == "description":
                f["tag_description"] = 1.0
                if tag.character is not None:
                    fits = tag.character == name
                    f["description_names" if fits else "description_names_other"] = 1.0
                if tag.gender is not None and name != sieve.me:
                    fits = gender == tag.gender
                    f["description_gender_fits" if fits else "description_gender_other"] = 1.0
            if name in tag.listeners:
                f["tag_listener"] = 1.0
        self._scene_features(i, name, f)
        if name == sieve.me:
            f["is_first_person_narrator"] = 1.0
        k = sieve.turn_of.get(i)
        if k is not None:
            turn = sieve.turns[k]
            if name in turn.addressed:
                f["addressed_here"] = 1.0
            for offset in (-2, -1, 1, 2):
                j = k + offset
                if not (0 <= j < len(sieve.turns)) or sieve.turns[j].scene != turn.scene:
                    continue
                close = abs(sieve.turns[j].paragraph - turn.paragraph) <= 2 * abs(offset)
                tail = "" if close else "_far"
                if self.evidenced_speaker[j] == name:
                    f[f"sieve_spoke{offset:+d}{tail}"] = 1.0
                if name in sieve.turns[j].addressed:
                    f[f"addressed{offset:+d}{tail}"] = 1.0
                honoured = sieve.turns[j].honoured
                if honoured is not None and close and abs(offset) == 1 and name != sieve.me:
                    # "You think that is funny, Miss Park?" - "No, ma'am.": a woman of standing
                    standing = sieve.cast.standing.get(name)
                    fits = gender == honoured and standing not in _YOUNG
                    f[f"honoured{offset:+d}" if fits else f"honoured{offset:+d}_other"] = 1.0
                    if fits and standing is not None:
                        f[f"honoured{offset:+d}_elder"] = 1.0  # a Mrs., a colonel
            people = self.people.tagged[turn.conversation]  # (every turn's is there)
            if people[name]:
                f["tagged_in_conversation"] = 1.0
                f["log_tagged_in_conversation"] = math.log1p(people[name])
                if len(people) <= 2:
                    f["one_of_two_tagged"] = 1.0
            if self.people.addressed[turn.conversation][name]:
                f["addressed_in_conversation"] = 1.0
            if turn.actor is not None and turn.actor.speaker == name:
                f[f"actor={turn.actor.rule}"] = 1.0
            earlier = [self.speaker_of_turn[j] for j in range(max(0, k - 6), k)]
            if name in earlier:
                f["spoke_in_last_6_turns"] = 1.0
        inside = [m for m in self._quote_mentions(i) if m.character == name]
        phone = sieve.on_the_phone(seg.paragraph)
        if any(names_self(seg.text, m, phone) for m in inside):
            f["names_self"] = 1.0  # "I'm Meredith."
        elif any(announces(seg.text, m) for m in inside):
            f["announced_inside_quote"] = 1.0  # "It's Jane!": rarely Jane's own words
        elif inside and name not in (sieve.turns[k].addressed if k is not None else ()):
            f["named_inside_quote"] = 1.0
        f.update(self._around(i).get(name, ()))
        starts = self.by_character.get(name, [])
        at = bisect.bisect_left(starts, seg.start)
        if at:
            paragraphs_ago = seg.paragraph - self.paragraph_of_mention[name][at - 1]
            f["log_paragraphs_since_mention"] = math.log1p(max(0, paragraphs_ago))
        else:
            f["never_mentioned_before"] = 1.0
        f["log_prior"] = math.log((self.prior.get(name, 0) + 1) / (self.total + 1))
        for ranks in self._ranks(i):
            if name in ranks:
                f[ranks[name]] = 1.0
        return f

    def _around(self, i: int) -> dict[str, dict[str, float]]:
        """Quote i's features from the narration around it, by character (found once per
        quote: they do not depend on which candidate is asked about)."""
        if i in self._narration:
            return self._narration[i]
        seg = self.sieve.segments[i]
        found: dict[str, dict[str, float]] = {}
        for start, character, subject in self._near(seg.paragraph, seg.start):
            where = "before" if start < seg.start else "after"
            found.setdefault(character, {})[f"here_{where}"] = 1.0
            if subject:
                found[character][f"here_{where}_subject"] = 1.0
        for _, character, subject in self.mentions_by_paragraph.get(seg.paragraph - 1, [])[-_EDGE:]:
            found.setdefault(character, {})["previous_paragraph"] = 1.0
            if subject:
                found[character]["previous_paragraph_subject"] = 1.0
        # "He held out his hand." before the quote: the one man of the conversation.
        for offset, label in ((-1, "previous"), (1, "next")):
            opener = self.opens_with_pronoun.get(seg.paragraph + offset)
            only = self._only_fitting(i, opener) if opener is not None else None
            if only is not None:
                found.setdefault(only, {})[f"{label}_paragraph_opens_with_his_pronoun"] = 1.0
        last = self.last_subject.get(seg.paragraph - 1)
        if last is not None:
            # "Nora wanted to crawl under her tray." - "Why me?"
            found.setdefault(last.character, {})["previous_paragraph_ends_with"] = 1.0
            if last.inner:
                found[last.character]["previous_paragraph_ends_inside"] = 1.0
        following = self.mentions_by_paragraph.get(seg.paragraph + 1, [])
        if following and following[0][2]:  # often the listener reacting
            found.setdefault(following[0][1], {})["next_paragraph_opens_with"] = 1.0
        self._narration[i] = found
        return found

    def _ranks(self, i: int) -> tuple[dict[str, str], ...]:
        """The rank features of quote i's most recently named characters: among all, and
        among those who fit its tag's he or she (found once per quote)."""
        if i in self._ranked:
            return self._ranked[i]
        sieve = self.sieve
        start = sieve.segments[i].start
        recent, subjects, free = by_recency(sieve.mentions, self.mention_starts, start, sieve.me)
        pronouns = {
            t.gender
            for t in sieve.found_tags.get(i, [])
            if t.kind in ("pronoun", "description") and t.gender is not None
        }
        said = pronouns | {"unknown"}
        ranks: list[dict[str, str]] = []
        for label, order, among in (("mention", recent, free), ("subject", subjects, subjects)):
            ranks.append({n: f"{label}_rank={r}" for r, n in enumerate(order[:3])})
            if pronouns:
                fitting = [n for n in among if sieve.cast.gender.get(n, "unknown") in said]
                top = enumerate(fitting[:2])
                ranks.append({n: f"fitting_{label}_rank={r}" for r, n in top if n != sieve.me})
        self._ranked[i] = tuple(ranks)
        return self._ranked[i]

    def _quote_mentions(self, i: int) -> list[Mention]:
        """The names inside quote i (found once per quote)."""
        found = self._inside.get(i)
        if found is None:
            found = self._inside[i] = self.sieve.cast.mentions(self.sieve.segments[i].text)
        return found

    def _scene_features(self, i: int, name: str, f: dict[str, float]) -> None:
        """Presence in the scene, the scene's focus, and what a tag's he, she or "her
        mother" points back to."""
        sieve = self.sieve
        seg = sieve.segments[i]
        gender = sieve.cast.gender.get(name, "unknown")
        scene = self.scenes.at(seg.paragraph)
        count = scene.mentions.get(name, 0)
        if count:
            f["in_scene"] = 1.0
            f["log_scene_mentions"] = math.log1p(count)
            f["log_scene_paragraphs_since"] = math.log1p(seg.paragraph - scene.last[name])
        elif name != sieve.me:
            f["not_in_scene"] = 1.0
        focus = scene.focus == name
        if focus:
            f["scene_focus"] = 1.0
        if name in scene.gone:
            f["left_the_scene"] = 1.0
        pov = scene.pov == name
        if pov:
            f["scene_pov"] = 1.0
        for tag in sieve.found_tags.get(i, []):
            prefix = "tag" if tag.speech else "action"
            if tag.kind == "pronoun" and tag.gender is not None and name != sieve.me:
                subject, nearest = self._antecedent(i, tag.gender)
                if name == subject:
                    f[f"{prefix}_antecedent_subject"] = 1.0
                if name == nearest:
                    f[f"{prefix}_antecedent"] = 1.0
                if focus and gender == tag.gender:
                    f[f"{prefix}_pronoun_focus"] = 1.0
                if pov and gender == tag.gender:
                    f[f"{prefix}_pronoun_pov"] = 1.0
                if gender == tag.gender and self._only_fitting(i, tag.gender) == name:
                    f[f"{prefix}_only_fitting_participant"] = 1.0
            if tag.kind == "description":
                if tag.possessor is not None:
                    owner, _ = self._antecedent(i, tag.possessor)
                    if name == owner:
                        f["description_is_possessor"] = 1.0
                    if owner is not None and name in sieve.cast.family.get(owner, ()):
                        f["description_family_of_possessor"] = 1.0
                if tag.role is not None:
                    own = sieve.cast.standing.get(name)
                    if own == tag.role:
                        f["description_role_fits"] = 1.0
                    elif own is not None:
                        f["description_role_clashes"] = 1.0

    def _only_fitting(self, i: int, gender: Gender) -> str | None:
        """The one participant of quote i's conversation of this gender, if only one."""
        k = self.sieve.turn_of.get(i)
        return None if k is None else self.people.only_fitting(k, gender)

    def _antecedent(self, i: int, gender: Gender) -> tuple[str | None, str | None]:
        """What a he or she of `gender` in quote i's tag points back to (`Scenes`)."""
        if (i, gender) not in self._antecedents:
            seg, cast = self.sieve.segments[i], self.sieve.cast
            self._antecedents[i, gender] = self.scenes.antecedents(seg, cast, gender)
        return self._antecedents[i, gender]
