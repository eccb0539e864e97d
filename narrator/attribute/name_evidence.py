"""What a text shows of each capitalised name in it: whether it is a person's, and the
pronouns and forms of address that tell that person's sex (for `discover`, `narrator
init`).

A name counts as a person's when the text treats it as one: it speaks or acts ("said
Tess", "Tess smiled"), it is addressed in dialogue ("Mer, wait"), or a sentence it opens
is followed by one opening with "He" or "She"; and not when it mostly follows an article
("the English", "the Hilberys") without speaking, or a preposition of place ("in India").
Names may have capitals inside (McBryde), particles (van der Luyden) and a line break.
The sex comes from the pronouns that refer to the name: the He/She sentence after one it
opens; his, her, himself, herself after it in its clause; a pronoun tag in a paragraph
its name tag opened; the answer of the one it calls; the sir or ma'am of a reply to it;
a description set beside it ("Zizi the Greek duke").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from narrator.attribute.cues import honorific
from narrator.attribute.epithets import tagged_description
from narrator.attribute.name_forms import TITLE_WORDS
from narrator.text.english import (
    GENDERED_NOUNS,
    SPEECH_VERBS,
    TITLES,
    is_verb_like,
    lemma,
    opening_pronoun,
    speaks,
)

if TYPE_CHECKING:
    from collections import Counter

    from narrator.model import Gender, Segment

_CAPITALISED: Final = r"[A-Z](?:[a-z]{0,2}[A-Z][a-z]+|['\u2019][A-Z][a-z]+|[a-z]+)"
"""A capitalised word, capitals inside included (McBryde, DeLuca, O'Brien)."""
_PARTICLES: Final = r"(?:(?:van|von|der|den|de|du|di|da|del|della|le|la|ter|ten)\s+)*"
"""Lower-case words inside a name after its first word ("Mrs. van der Luyden")."""
_TITLED: Final = r"(?:(?:Mr|Mrs|Ms|Mx|Dr|Mme|Mlle|St)\.|M\.(?=\s+[A-Z]))"
_NAME: Final = re.compile(
    r"(?<![\w'\u2019])(?:"
    + _TITLED
    + "|"
    + _CAPITALISED
    + r")(?:(?:[ \t]+|[ \t]*\n[ \t]*)"
    + _PARTICLES
    + "(?:"
    + _TITLED
    + "|"
    + _CAPITALISED
    + "))*"
)
"""A name: capitalised words, a title and particles; a line break may fall inside it."""
_WORD: Final = re.compile(r"[A-Za-z']+")
_PLACE_PREPOSITIONS: Final = frozenset(
    "in into across through throughout near inside outside beyond towards toward".split()
)
"""Prepositions that a place name follows and a person's name hardly ever does."""
COMMON_WORDS: Final = frozenset(
    """I The A An And But Or So Then When While What Who Why How Where Which This That These
    Those There Here It He She They We You His Her Their Our Your My Its If As At In On Of For
    To From With By Up Down Out Not No Yes Oh Well Now Just Maybe Perhaps After Before Because
    Although Though Even Still Yet All Some Any Every Each One Two God Chapter Okay OK Hey Hi
    Hello Please Thank Thanks Sorry Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    Mum Mom Dad Mother Father Madam Say Are Is Was Do Does Did Can Could Will Would Shall
    Should Yeah Ah Good Very Why Come Go Let Look See Tell Give Take Get Like Unlike Without
    Behind Beside Besides Into Through Over Under About Against Among Between Since Until
    Upon""".split()
)


_PRONOUN_GENDER: Final[dict[str, Gender]] = {
    "he": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "herself": "female",
}  # fmt: skip
"""Pronouns by the sex they show (sir and ma'am: `cues.honorific`)."""
_OWN: Final = re.compile(
    r"\b(his|himself|herself|her(?=\s+(?!(?:the|a|an|that|this|to|and|or|but|in|on|at|with|for"
    r"|of|from|by|as|into|up|down|out|away|back|off|again|so|too|if|when|what|how|why)\b)"
    r"[a-z]))\b"
)
"""His, himself, herself, and "her" before a noun ("her face"; not "told her that")."""
_PRONOUN_TAG: Final = re.compile(r"[\s,]*(he|she)\s+([a-z]+)\b(?:\s+([a-z]+))?", re.IGNORECASE)
"""A speech tag whose subject is a pronoun: '"Yes, miss," he replied.'"""
_APPOSITION: Final = re.compile(
    r",?\s+(?:the|a|an)\s+(?:[A-Za-z-]+\s+){0,2}?([a-z]+)(?=\s*(?:[,.;:!?)]|$|who\b|whom\b))"
)
"""A description set beside a name: "Zizi the Greek duke.", "Mrs. Wix, the governess,"."""
_REFLEXIVE: Final = re.compile(r"\b(himself|herself)\b")
_SENTENCE_END: Final = re.compile(r"[.!?;]")
_OWN_IN_TAG: Final = re.compile(r"\b(his|her|himself|herself|he|she)\b")
"""In a speech tag ('"...," Priya said, like she had been running') a subject pronoun
after the name is hers too."""


@dataclass(slots=True)
class NameEvidence:
    """What the text shows of one name form."""

    mentions: int = 0
    narrated: int = 0
    """Mentions in narration (a name only ever said in dialogue may be a pet name)."""
    inside_sentence: int = 0
    person: int = 0
    speaks: int = 0
    """Speech tags naming it ("said the Hatter", "Tess asked")."""
    article: int = 0
    """Mentions after an article ("the English", "an Englishman", "the Hilberys")."""
    place: int = 0
    """Mentions after a preposition of place ("in India", "across Chelsea")."""
    genders: dict[str, float] = field(default_factory=dict)


class ChapterReader:
    """Reads one chapter's segments in order, counting what each name form shows in
    `seen`, and the descriptions speech tags give (`epithets`)."""

    def __init__(self, seen: dict[str, NameEvidence], epithets: Counter[str]) -> None:
        self.seen = seen
        self.epithets = epithets
        self.opener: str | None = None
        self.previous: Segment | None = None
        self.called: dict[int, list[str]] = {}  # paragraph -> names its dialogue addresses
        self.tagged: dict[int, list[str]] = {}  # paragraph -> names its speech tags give
        self.reply = -1  # the last paragraph that opens with a quote

    def read(self, seg: Segment) -> None:
        previous, self.previous = self.previous, seg
        if seg.kind == "narration":
            after_quote = (
                previous is not None
                and previous.kind == "dialogue"
                and previous.paragraph == seg.paragraph
            )
            self._narration(seg, after_quote)
        else:
            self._dialogue(seg, previous is None or previous.paragraph != seg.paragraph)

    def _narration(self, seg: Segment, after_quote: bool) -> None:
        seen = self.seen
        # "Izzie pours coffee. She's in the kitchen": the name opened the sentence before
        # one that opens with a pronoun.
        pronoun = opening_pronoun(seg.text)
        if self.opener is not None and pronoun:
            seen[self.opener].person += 1
            _note(seen[self.opener], pronoun, 1.0)
        speakers = self.tagged.setdefault(seg.paragraph, [])
        earlier = set(speakers)
        self.opener = _read(seg.text, False, seen, after_quote=after_quote, speakers=speakers)
        if after_quote and (described := tagged_description(seg.text)):
            self.epithets[described] += 1  # '"...," said the waiter.'
        answer = _PRONOUN_TAG.match(seg.text) if after_quote else None
        if answer and not speaks(answer.group(2), answer.group(3) or ""):
            answer = None
        asked = self.called.get(seg.paragraph - 1, [])
        replier = opening_pronoun(seg.text.lstrip("( ")) if self.reply == seg.paragraph else None
        if answer:
            replier = _PRONOUN_GENDER[answer.group(1).lower()]
        if after_quote and replier and len(set(asked)) == 1:
            # '"Is the house to let, Powell?"' - '"Yes, miss," he replied.' (or '"It's an
            # arm!" (He pronounced it "arrum.")'): the one called answers.
            _note(seen[asked[0]], replier, 0.5)
        if answer and len(earlier) == 1:
            # '"Of course," the Dodo replied. "What else?" he went on.': a paragraph is one
            # speaker's, so its pronoun tag means the one its name tag gave.
            _note(seen[earlier.pop()], _PRONOUN_GENDER[answer.group(1).lower()], 1.0)

    def _dialogue(self, seg: Segment, opens_paragraph: bool) -> None:
        if opens_paragraph:
            # A paragraph that opens with a quote is its speaker's: a "He" after it is the
            # speaker, not whoever opened the narration before.
            self.opener = None
            self.reply = seg.paragraph
            # '"Explain yourself!" said the Caterpillar.' - '"I can't, sir," ...': a reply
            # calls the one who spoke before sir or ma'am.
            called_as = honorific(seg.text)
            answered = set(self.tagged.get(seg.paragraph - 1, ()))
            if called_as is not None and len(answered) == 1:
                _note(self.seen[answered.pop()], called_as, 0.5)
        _read(seg.text, True, self.seen, called=self.called.setdefault(seg.paragraph, []))


def _read(
    text: str,
    dialogue: bool,
    seen: dict[str, NameEvidence],
    *,
    after_quote: bool = False,
    called: list[str] | None = None,
    speakers: list[str] | None = None,
) -> str | None:
    """Count the names in one segment; the name opening it, if any. `after_quote`: the
    segment follows a quote in its paragraph, so a name opening it with a speech verb is a
    speech tag ("...," Izzie said), as sure a sign of a person as a name mid-sentence.
    `called`: where the names a quote addresses are added; `speakers`: where the names a
    speech tag gives as the speaker are."""
    opener = None
    for match in _NAME.finditer(text):
        name, start = _strip_common(match.group(), match.start())
        if name is None:
            continue
        evidence = seen.setdefault(name, NameEvidence())
        evidence.mentions += 1
        evidence.narrated += not dialogue
        before = text[:start].rstrip()
        at_start = not before or before[-1] in '.!?"\u201c\u201d:'
        evidence.inside_sentence += not at_start
        # "The Hatter was ...": a name after "The" opens the sentence too; so does the
        # speaker of an inverted tag ('"No," said Major Callendar. He frowned.').
        inverted = after_quote and " " not in before and lemma(before) in SPEECH_VERBS
        if (not before or before == "The" or inverted) and not dialogue:
            opener = name
            # "Meredith has a smirk on her face": a weaker clue than the next sentence's.
            own = _own(_OWN_IN_TAG if after_quote else _OWN, text, match.end(), len(text))
            if own:
                _note(evidence, *own)
        end = match.end()
        if dialogue:
            # Addressed: set off by commas or the quote's edges ("Mer, wait", "Hey, Alex.").
            if (not before or before.endswith((",", "!", "?", "."))) and text[end : end + 1] in (
                "", ",", "!", "?", ".",
            ):  # fmt: skip
                evidence.person += 1
                if called is not None:
                    called.append(name)
            continue
        apposition = _APPOSITION.match(text, end)
        if apposition and apposition.group(1).lower() in GENDERED_NOUNS:
            _note(evidence, GENDERED_NOUNS[apposition.group(1).lower()], 1.0)  # "Zizi the duke"
        possessive = text[end : end + 1] in ("'", "\u2019")
        after_words = [] if possessive else _WORD.findall(text[end : end + 30])
        before_words = _WORD.findall(text[max(0, start - 25) : start])
        article = bool(before_words) and before_words[-1].lower() in ("the", "a", "an")
        evidence.article += article
        located = bool(before_words) and before_words[-1].lower() in _PLACE_PREPOSITIONS
        evidence.place += located and not possessive
        if article:
            before_words.pop()  # "said the Hatter": the verb is before the article
        says = bool(after_words) and lemma(after_words[0]) in SPEECH_VERBS
        said_by = bool(before_words) and lemma(before_words[-1]) in SPEECH_VERBS  # "said Tess"
        evidence.speaks += says or said_by
        acts = bool(after_words) and (says or is_verb_like(after_words[0]))
        if acts or said_by:
            evidence.person += 1  # speaks or acts: "said Tess", "Tess smiled"
        if acts and opener != name:
            # "When Karim opened his door": the subject's own his or her, before anyone
            # else is named.
            following = _NAME.search(text, end)
            own = _own(_OWN, text, end, following.start() if following else len(text))
            if own:
                _note(evidence, *own)
        if after_quote and at_start and not before and says:
            evidence.inside_sentence += 1  # a speech tag: '"...," Izzie said.'"
        if after_quote and speakers is not None and (says or said_by):
            speakers.append(name)
    return opener


def _own(pattern: re.Pattern[str], text: str, start: int, end: int) -> tuple[Gender, float] | None:
    """The gender of the subject's own his or her after a name (`pattern`), or surer, of a
    himself or herself in its sentence ("Phaethon slipped the rein over her head, thus
    enabling himself to drive"); and how much it counts."""
    sentence = _SENTENCE_END.search(text, start, end)
    reflexive = _REFLEXIVE.search(text, start, sentence.start() if sentence else end)
    if reflexive:
        return _PRONOUN_GENDER[reflexive.group(1)], 1.0
    own = pattern.search(text, start, end)
    return (_PRONOUN_GENDER[own.group(1)], 0.5) if own else None


def _note(evidence: NameEvidence, gender: Gender, weight: float) -> None:
    """Count a pronoun or a form of address that shows a name's gender."""
    evidence.genders[gender] = evidence.genders.get(gender, 0.0) + weight


def is_named(evidence: NameEvidence) -> bool:
    """Whether the text uses a word as a person's name: not mostly after an article ("the
    English", "the Hilberys") unless tags have it speak ("said the Hatter"), and not a
    place ("in India", "across Chelsea")."""
    if evidence.speaks >= 2:
        return True
    mentions = evidence.mentions
    return 2 * evidence.article < mentions and 4 * evidence.place < mentions


def _strip_common(name: str, start: int) -> tuple[str | None, int]:
    """Drop capitalised common words the name pattern caught ("And Lydia" -> "Lydia"), and
    what comes before a title inside it."""
    words = name.split()
    skip = 0
    while skip < len(words) and words[skip] in COMMON_WORDS:
        skip += 1
    # "Later Mrs. Dashwood", "Then Major Callendar": a title starts a new name.
    for k in range(len(words) - 2, skip, -1):
        if words[k].lower().rstrip(".") in TITLE_WORDS:
            skip = k
            break
    rest = words[skip:]
    if not rest or all(w.lower().rstrip(".") in TITLES for w in rest):
        return None, start
    if skip:
        start += name.index(rest[0], len(" ".join(words[:skip])))
    return " ".join(rest), start
