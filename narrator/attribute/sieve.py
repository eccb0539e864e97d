"""The rule sieve: a speaker for each quotation from tags, salience and turn-taking."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Final

from narrator.attribute.cues import addressed, honorific, names_self, on_the_phone
from narrator.attribute.first_person import first_person_narrator
from narrator.attribute.reading import read_mentions
from narrator.attribute.speech_tags import TagReader
from narrator.attribute.turns import Turn, Verdict, settle
from narrator.model import UNKNOWN, Gender, Segment

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from narrator.attribute.names import Mention, NameIndex
    from narrator.attribute.tag import Tag
    from narrator.text.english import Role

NEAR: Final = 3000
"""Characters around a quote that evidence is looked for in within its paragraph: all of
any paragraph of prose, a bounded stretch of a wall of text (linear time however long)."""
_CONVERSATION_GAP_WORDS: Final = 60
"""More narration than this between two turns ends a conversation."""
_TIME_SHIFT: Final = re.compile(
    r"^(?:(?:it'?s|it\s+was|it\s+is)\s+)?(?:(?:a\s+few|an?|one|two|three|four|five|six|several"
    r"|some|\d+)\s+)?(?:hours?|days?|weeks?|months?|years?|minutes?)\s+later\b"
    r"|^(?:later|meanwhile|afterwards|the\s+next\s+(?:day|morning|evening|night|week)"
    r"|next\s+(?:day|morning|week)|that\s+(?:evening|night|afternoon|morning)"
    r"|the\s+following\s+(?:day|morning|evening|week)|early\s+the\s+next)\b",
    re.IGNORECASE,
)
"""A paragraph opening with a jump in time starts a new conversation."""
_WORD: Final = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_PHONE_LOOK_BACK: Final = 4
"""Paragraphs back the narration may mention the telephone for a quote to be on it."""
_CARRY_ON_WORDS: Final = 8
"""How short a sentence ending a paragraph must be to introduce the next one's quote."""


class Sieve:
    def __init__(self, segments: Sequence[Segment], cast: NameIndex) -> None:
        self.segments = list(segments)
        self.cast = cast
        self.verdicts: dict[int, Verdict] = {}
        self.mentions: list[Mention] = []
        """Characters mentioned in narration, in reading order (subject pronouns resolved)."""
        self.turns: list[Turn] = []
        self._narration_words = 0
        """Words of narration-only paragraphs since the last dialogue."""
        self.tags = TagReader(cast)
        self.found_tags: dict[int, list[Tag]] = {}
        """The tags read beside each quote (for the ranker)."""
        self.turn_of: dict[int, int] = {}
        """The turn each quote belongs to."""
        self.me = first_person_narrator(self.segments, cast)
        self._phone: dict[int, bool] = {}
        self._narration: dict[int, list[str]] = {}
        for seg in self.segments:
            if seg.kind == "narration":
                self._narration.setdefault(seg.paragraph, []).append(seg.text)
        """The character who narrates as "I", in a first-person story."""

    # -- the passes ------------------------------------------------------------

    def run(self) -> tuple[Segment, ...]:
        """Every rule over the chapter; dialogue segments get speaker, rule and confidence."""
        by_paragraph: dict[int, list[int]] = {}
        for i, seg in enumerate(self.segments):
            by_paragraph.setdefault(seg.paragraph, []).append(i)
        for paragraph, members in by_paragraph.items():
            self._paragraph(paragraph, members)
        self._conversations()
        out = []
        for i, seg in enumerate(self.segments):
            if seg.kind == "dialogue":
                verdict = self.verdicts.get(i) or Verdict(UNKNOWN, "none", 0.0)
                seg = dataclasses.replace(
                    seg,
                    speaker=verdict.speaker,
                    rule=verdict.rule,
                    confidence=round(verdict.confidence, 2),
                )
            out.append(seg)
        return tuple(out)

    def _paragraph(self, paragraph: int, members: list[int]) -> None:
        """Rules 1-6 over one paragraph, in reading order."""
        quotes = [i for i in members if self.segments[i].kind == "dialogue"]
        turn = None
        first = self.segments[members[0]]
        if first.kind == "narration" and _TIME_SHIFT.match(first.text):
            self._narration_words = _CONVERSATION_GAP_WORDS + 1
        # Narration between this paragraph's first quote and the last turn's last quote.
        if quotes:
            self._narration_words += self._words(m for m in members if m < quotes[0])
        if quotes:
            turn = Turn(paragraph, self.segments[members[0]].scene, quotes)
            for i in quotes:
                turn.addressed |= addressed(self.segments[i].text, self.cast)
                turn.honoured = turn.honoured or honorific(self.segments[i].text)
            if self.turns:
                last = self.turns[-1]
                apart = (
                    last.scene != turn.scene
                    or paragraph - last.paragraph > 2
                    or self._narration_words > _CONVERSATION_GAP_WORDS
                )
                turn.conversation = last.conversation + apart
        if quotes:
            self._narration_words = self._words(m for m in members if m > quotes[-1])
        else:
            self._narration_words += self._words(members)
        previous = self._previous_speaker(paragraph)
        for i in members:
            if self.segments[i].kind == "narration":
                self._read_narration(i)
                continue
            verdict = self._local(i, turn, previous)
            if verdict is None:
                continue
            if verdict.rule.startswith("actor"):
                if turn is not None and turn.actor is None:
                    turn.actor = verdict
                continue
            self.verdicts[i] = verdict
        if turn is None:
            return
        for i in quotes:
            self.turn_of[i] = len(self.turns)
        self.turns.append(turn)
        decided = [self.verdicts[i] for i in quotes if i in self.verdicts]
        if decided:
            self._decide(turn, max(decided, key=lambda v: v.confidence), "same-paragraph")

    def _words(self, indexes: Iterable[int]) -> int:
        return sum(self.segments[i].text.count(" ") + 1 for i in indexes)

    def _decide(self, turn: Turn, verdict: Verdict, rule: str) -> None:
        """Give the turn a speaker; its quotes without their own verdict take it."""
        turn.verdict = verdict
        for i in turn.quotes:
            if i not in self.verdicts:
                self.verdicts[i] = Verdict(verdict.speaker, rule, verdict.confidence * 0.9)

    def _local(self, i: int, turn: Turn | None, previous: str | None) -> Verdict | None:
        """Rules 1-5 for one quotation."""
        seg = self.segments[i]
        excluded = set(turn.addressed) if turn else set()
        if seg.continues:
            earlier = self._previous_dialogue(i)
            if earlier is not None and earlier in self.verdicts:
                v = self.verdicts[earlier]
                return Verdict(v.speaker, "continuation", max(v.confidence, 0.9))
        tags: list[tuple[Tag, str, float]] = []
        after = self._neighbour(i, +1)
        if after is not None and (tag := self.tags.after(self.segments[after].text)):
            tags.append((tag, "after", 1.0))
        before = self._neighbour(i, -1)
        if before is not None and (tag := self.tags.before(self.segments[before].text)):
            tags.append((tag, "before", 0.95))
        elif before is None and (introducer := self._introducer(i)) is not None:
            # `Mr. Beebe was back, saying rather nervously:` ending the paragraph above.
            tag = self.tags.before(self.segments[introducer].text)
            if tag is not None and tag.speech:
                tags.append((tag, "before", 0.9))
        if before is not None and self.segments[before].text.rstrip().endswith((",", ":")):
            # `said Mrs. Archer, summing it up, "is to go ..."`: narration that leads into
            # the quote is its tag, whatever the narration after it says.
            tags.reverse()
        self.found_tags[i] = [tag for tag, _, _ in tags]
        for tag, _, _ in tags:
            excluded |= tag.listeners  # `said she to Charlotte`: not Charlotte
        # A speech tag beats an action beside the quote, whichever side it is on.
        tags.sort(key=lambda item: not item[0].speech)
        for tag, side, weight in tags:
            verdict = self._from_tag(tag, side, i, excluded, previous)
            if verdict is not None:
                return Verdict(verdict.speaker, verdict.rule, verdict.confidence * weight)
            if tag.speech:
                break  # a speech tag we cannot resolve ("said the old man") ends the search
        named = self._self_identified(seg.text, self.on_the_phone(seg.paragraph))
        if named is not None:
            return Verdict(named, "self-identification", 0.8)
        return None

    def _from_tag(
        self, tag: Tag, side: str, quote: int, excluded: set[str], previous: str | None
    ) -> Verdict | None:
        """The character a tag names, resolved."""
        speaker: str | None = None
        confidence = 0.95
        if tag.kind == "name":
            speaker = tag.character
        elif tag.kind == "outsider":
            return Verdict(UNKNOWN, "outsider-tag", 0.9)
        elif tag.kind == "first-person":
            speaker = self.me
        elif tag.heard and self.on_the_phone(self.segments[quote].paragraph):
            caller = self._caller()
            if caller is not None and caller not in excluded:
                return Verdict(caller, "caller-tag", 0.9)
        elif tag.kind == "description" and tag.character is not None:
            speaker, confidence = tag.character, 0.8  # or a named character so described
        elif tag.kind in ("pronoun", "description") and tag.gender is not None:
            role = tag.role if tag.kind == "description" else None
            resolved = self._resolve(tag.gender, quote, excluded, previous, role)
            if resolved is not None:
                speaker, confidence = resolved
                if tag.kind == "description":
                    confidence *= 0.8  # `said the old man` may be someone not in the cast
        if speaker is None or speaker in excluded:
            return None
        if tag.speech:
            return Verdict(speaker, f"{tag.kind}-tag", confidence)
        return Verdict(speaker, f"actor-{side}", confidence - 0.2)

    def _caller(self) -> str | None:
        """Who is on the telephone in the conversation going on: the last speaker to name
        themselves in it ("Nor, it's Pri")."""
        if not self.turns:
            return None
        conversation = self.turns[-1].conversation
        for turn in reversed(self.turns):
            if turn.conversation != conversation:
                break
            for i in turn.quotes:
                verdict = self.verdicts.get(i)
                if verdict is not None and verdict.rule == "self-identification":
                    return verdict.speaker
        return None

    def _introducer(self, i: int) -> int | None:
        """The last sentence of the paragraph before, when this quote opens its own
        paragraph and that sentence leads into it: ending with a colon or comma, or a
        short sentence of a speaker carrying on (`Lucy continued.`)."""
        seg = self.segments[i]
        if i == 0 or self.segments[i - 1].paragraph == seg.paragraph:
            return None
        j = i - 1
        previous = self.segments[j]
        if previous.kind != "narration" or previous.paragraph != seg.paragraph - 1:
            return None
        ending = previous.text.rstrip()
        if ending.endswith((":", ",")):
            return j
        tags_a_quote = (
            j > 0
            and self.segments[j - 1].paragraph == previous.paragraph
            and (self.segments[j - 1].kind == "dialogue")
        )
        if (
            ending.endswith(".")
            and not tags_a_quote  # `"...," said Elinor.` is its own quote's tag
            and len(_WORD.findall(previous.text)) <= _CARRY_ON_WORDS
        ):
            return j
        return None

    def _self_identified(self, text: str, phone: bool) -> str | None:
        for mention in self.cast.mentions(text):
            if names_self(text, mention, phone):
                return mention.character
        return None

    def on_the_phone(self, paragraph: int) -> bool:
        """Whether the narration of this paragraph or the few before is about a call (the
        phone rings and is answered; the caller speaks a greeting or two later)."""
        if paragraph not in self._phone:
            self._phone[paragraph] = any(
                on_the_phone(" ".join(self._narration.get(p, ())))
                for p in range(paragraph - _PHONE_LOOK_BACK, paragraph + 1)
            )
        return self._phone[paragraph]

    # -- pronouns and salience -------------------------------------------------

    def _resolve(
        self,
        gender: Gender,
        quote: int,
        excluded: set[str],
        previous: str | None,
        role: Role | None = None,
    ) -> tuple[str, float] | None:
        """The character a he/she in a tag of `quote` most likely means, and how sure; a
        description's `role` ("the girl": a maiden) rules out those of another standing
        (a Mrs.)."""
        seg = self.segments[quote]
        adjacent = self._previous_adjacent(seg.paragraph)

        def fits(name: str) -> bool:
            return (
                self.cast.may_be(name, gender)
                and name not in excluded
                and name != self.me
                and (role is None or self.cast.standing.get(name) in (None, role))
            )

        # Characters of this paragraph's narration before the quote, subjects first;
        # the one who spoke in the paragraph just before is the least likely of them.
        here: list[Mention] = []
        for mention in reversed(self.mentions):
            if mention.paragraph != seg.paragraph or mention.start < seg.start - NEAR:
                break  # a wall of text is read near the quote, not from its start
            if mention.start < seg.start and fits(mention.character):
                here.append(mention)
        here.sort(key=lambda m: not m.subject)
        names = list(dict.fromkeys(m.character for m in here))
        if adjacent and previous in names and len(names) > 1:
            names.remove(previous)
        if names:
            first = next(m for m in here if m.character == names[0])
            return names[0], 0.85 if first.subject else 0.7
        # Whoever the last speaker addressed by name answers.
        if adjacent and self.turns:
            for name in sorted(self.turns[-1].addressed):
                if fits(name) and name != previous:
                    return name, 0.8
        # The subject of the paragraph just before.
        for mention in reversed(self.mentions[-40:]):
            if mention.paragraph < seg.paragraph - 1:
                break
            if (
                mention.paragraph == seg.paragraph - 1
                and mention.subject
                and fits(mention.character)
            ):
                return mention.character, 0.75
        # Speakers in the conversation so far (not the one who just spoke).
        for turn in reversed(self.turns[-6:]):
            if turn.scene != seg.scene or turn.verdict is None:
                continue
            name = turn.verdict.speaker
            if name != previous and fits(name):
                return name, 0.75
        # The most salient character of that gender in the narration: the latest subject,
        # else the latest mention.
        recent = [m for m in self.mentions[-60:] if m.start < seg.start and fits(m.character)]
        for mention in reversed(recent):
            if mention.subject:
                return mention.character, 0.65
        return (recent[-1].character, 0.55) if recent else None

    def _read_narration(self, i: int) -> None:
        """Record who the narration mentions, and who its sentence's subject is."""
        self.mentions += read_mentions(
            self.segments[i], self.cast, self.me, self.mentions, self._tagged_speaker(i)
        )

    def _tagged_speaker(self, i: int) -> str | None:
        """The speaker of the quote this narration tags (`"...," she says`), if decided."""
        j = i - 1
        if (
            j >= 0
            and self.segments[j].kind == "dialogue"
            and self.segments[j].paragraph == self.segments[i].paragraph
            and j in self.verdicts
        ):
            verdict = self.verdicts[j]
            if verdict.rule.endswith("-tag") or verdict.rule == "actor-after":
                return verdict.speaker
        return None

    # -- conversation ----------------------------------------------------------

    def _conversations(self) -> None:
        """Rules 5, 7 and 8 over the run of turns: actors, alternation, fallback."""
        settle(self.turns, self._decide)

    # -- small lookups ---------------------------------------------------------

    def _neighbour(self, i: int, step: int) -> int | None:
        j = i + step
        if 0 <= j < len(self.segments):
            other = self.segments[j]
            if other.paragraph == self.segments[i].paragraph and other.kind == "narration":
                return j
        return None

    def _previous_dialogue(self, i: int) -> int | None:
        for j in range(i - 1, -1, -1):
            if self.segments[j].kind == "dialogue":
                return j
        return None

    def _previous_adjacent(self, paragraph: int) -> bool:
        """Whether the last dialogue turn was in the paragraph just before this one."""
        return bool(self.turns) and self.turns[-1].paragraph == paragraph - 1

    def _previous_speaker(self, paragraph: int) -> str | None:
        if self.turns and self.turns[-1].verdict is not None:
            return self.turns[-1].verdict.speaker
        return None
