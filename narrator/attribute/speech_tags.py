"""Speech tags: who the narration beside a quote says is speaking, by English word order.

A tag after a quote names its speaker before or after a speech verb (`Izzie said`,
`said Izzie`, `exclaimed the horrified Mrs. Rachel`, `Mr. Bounderby put in`); a tag before
a quote ends in a comma or colon after its speech verb (`Robert Cohn said:`, `the Mouse,
who seemed a person of authority, called out,`, `thus accosted by Miss Bingley,`). The
speaker can also be a pronoun ("she said"), "I", or a description ("said the old man").
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from narrator.attribute.name_evidence import COMMON_WORDS
from narrator.attribute.tag import Tag, described_speaker
from narrator.text.english import (
    CARRY_ON_VERBS,
    DETERMINERS,
    PREPOSITIONS,
    PRONOUNS,
    SPEECH_NOUNS,
    SPEECH_PARTICLES,
    SUBORDINATORS,
    begins_infinitive,
    is_object_position,
    is_verb_like,
    lemma,
    negates,
    speaks,
    verb_follows,
)

if TYPE_CHECKING:
    from narrator.attribute.names import NameIndex

_TOKEN: Final = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Messrs|Rev|Col|Capt|Gen|Lt|Sgt)\.|[A-Za-z][A-Za-z'\u2019-]*"
    r"|[,;:.!?\u2014\u2013()]"
)
"""Words (titles keep their full stop, so "Mr. Bennet" is not cut in two) and punctuation."""
_CLAUSE_END: Final = frozenset(".;!?\u2014()")
_SKIPPABLE: Final = frozenset(
    """the a an his her their its my our your this that old young little poor good
    elder younger other first second last whole""".split()
)
"""Words that may stand between an inverted speech verb and its subject."""
_OBJECTS: Final = frozenset("him her them me us his my their its our".split())
"""Words after which a verb is someone else's doing (`I could feel her crying`)."""
_NEW_CLAUSE: Final = frozenset("and but or so then while when as though yet for".split())
"""A narration that opens with these after a quote starts a new clause, not a tag."""
NOT_SUBJECT_BEFORE: Final = SUBORDINATORS | PREPOSITIONS
"""A name right after one of these is not the subject of its sentence."""
_SPOKEN_NOUNS: Final = SPEECH_NOUNS | {"words"}
_CLAUSE_OPENERS: Final = SUBORDINATORS - {"that"}
"""Words after an inverted tag's verb that open another clause (`said that old man` is
still the tag's)."""
_PARTICLES: Final = frozenset(p for ps in SPEECH_PARTICLES.values() for p in ps.split())
_WHAT: Final = frozenset({"what", "whatever"})
"""Words that open a clause naming what was said (`hearing what she said`)."""
_CARRY_ON_MAX_WORDS: Final = 8
"""A sentence introducing the next quote without a colon is short (`Lucy continued.`)."""
_TAG_OPENS: Final = 2
"""A tag that opens the narration has its verb among the first words (`she burst out`)."""
_REACH_AFTER: Final = 6
"""A speech verb after a quote must come within this many words (`she said` ... )."""


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str


class TagReader:
    """Reads tags with one cast's names."""

    def __init__(self, cast: NameIndex) -> None:
        self.cast = cast

    def after(self, text: str) -> Tag | None:
        """The tag in the narration just after a quote, if its first clause is one."""
        self._index(text)
        tokens = self._clause(text, first=True)
        if tokens and tokens[0].text.lower() in _NEW_CLAUSE:
            return None
        words = [t for t in tokens if t.text[0].isalpha()]
        verb = next(
            (i for i, t in enumerate(tokens[: _REACH_AFTER + 2]) if self._is_speech(tokens, i)),
            None,
        )
        if verb is not None and self._reports(text, tokens, verb):
            return None  # `The young man admitted that he was ...`: said of an answer
        if verb is not None:
            before = tokens[:verb]
            subject = self._last_subject(text, before) or self._subject_after(text, tokens, verb)
            if subject is not None:
                return self._with_listeners(text, tokens, subject)
            described = self._description(before) or self._description(tokens[verb + 1 :])
            if described is not None:
                return self._with_listeners(text, tokens, described)
            return self._outsider(tokens, verb) or Tag("description")
        # `was Marilla's comment`, `was her reply`
        noun = self._speech_noun_owner(text, tokens)
        if noun is not None:
            return noun
        # An action right after the quote: `Izzie's eyes are ...`, `He hears ...`.
        if words and words[0] is tokens[0]:
            subject = self._subject(text, words[0], possessive_ok=True)
            mention = self._starts.get(words[0].start)
            end = mention.end if mention is not None else words[0].end
            following = [w for w in words if w.start >= end][:3]  # past "Okafor" of "Mrs. Okafor"
            if (
                subject is not None
                and following
                and (is_verb_like(following[0].text) or text[end:].startswith(("'s", "\u2019s")))
                and not any(negates(w.text) for w in following)  # did not answer
            ):
                return Tag(subject.kind, subject.character, subject.gender, speech=False)
        return None

    def before(self, text: str) -> Tag | None:
        """The tag in the narration just before a quote (its last sentence)."""
        self._index(text)
        tokens = self._clause(text, first=False)
        verbs = [i for i in range(len(tokens)) if self._is_speech(tokens, i)]
        # `said,` / `replied:` / `called out "...` / `said severely "...`: the verb leads
        # straight into the quote; `Lucy continued.` / `he went on in a lower voice.`: a
        # short sentence whose verb says the speaker carries on.
        introduces = text.rstrip().endswith((",", ":", ";")) or bool(
            verbs and tokens and verbs[-1] >= len(tokens) - 2 and tokens[-1].text[0].isalpha()
        )
        if verbs and not introduces and text.rstrip().endswith("."):
            last = tokens[verbs[-1]]
            words = [t for t in tokens if t.text[0].isalpha()]
            introduces = (
                len(words) <= _CARRY_ON_MAX_WORDS
                and lemma(last.text) in CARRY_ON_VERBS
                and not any(negates(t.text) for t in tokens[verbs[-1] + 1 :])
            )
        if verbs and introduces:
            verb = self._main_verb(text, tokens, verbs)
            subject = (
                self._relative_antecedent(text, tokens, verb)
                or self._passive_agent(text, tokens, verb)
                or self._last_subject(text, tokens[:verb], strict=True)
            )
            if subject is None:
                subject = self._first_subject(text, tokens[:verb])
            if subject is None:
                subject = (
                    self._subject_after(text, tokens, verb)
                    or self._description(tokens[:verb])
                    or self._description(tokens[verb + 1 :])  # `enquired his sister,`
                )
            if subject is None and tokens and tokens[0].text.lower() in _NEW_CLAUSE:
                # `Mr. Collins was gratified; and with a smile replied,`: the clause after
                # the semicolon shares the subject of the one before it.
                # (`Seeing that ..., Cecil bent towards Lucy and said:`: its subject.)
                clause = self._clause_before(text, tokens[0])
                subject = self._last_subject(text, clause, strict=True) or self._first_subject(
                    text, clause
                )
            if subject is not None:
                return self._with_listeners(text, tokens, subject)
        subject = self._first_subject(text, tokens)
        if subject is not None:
            return Tag(subject.kind, subject.character, subject.gender, speech=False)
        return None

    # -- pieces ----------------------------------------------------------------

    def _main_verb(self, text: str, tokens: list[_Token], verbs: list[int]) -> int:
        """The speech verb that is the tag: the last, unless the narration opens with a tag
        and the last verb is in a clause of its own hanging on it (`she burst out, as if he
        had interrupted her,`; not `He was thinking of her, when thus accosted by Miss
        Bingley,`, nor `she spoke so seriously that it hurt, and he said:`)."""
        first, last = verbs[0], verbs[-1]
        between = tokens[first + 1 : last]
        opener = next((k for k, t in enumerate(between) if t.text.lower() in SUBORDINATORS), None)
        if first > _TAG_OPENS or opener is None:
            return last
        clause = between[opener + 1 :]
        if any(t.text.lower() in ("and", "but") for t in clause) or not any(
            self._subject(text, t) for t in clause
        ):
            return last
        opening = self._last_subject(text, tokens[:first], strict=True) or self._subject_after(
            text, tokens, first
        )
        return first if opening is not None else last

    def _relative_antecedent(self, text: str, tokens: list[_Token], verb: int) -> Tag | None:
        """`a glance at her son, who said:`: the one "who" stands for, just before it."""
        if verb < 3 or tokens[verb - 1].text.lower() != "who" or tokens[verb - 2].text != ",":
            return None
        head = tokens[max(0, verb - 7) : verb - 2]
        for k in range(len(head) - 1, -1, -1):
            mention = self._starts.get(head[k].start)
            if mention is not None:
                return Tag("name", mention.character) if mention.end >= head[-1].end else None
            if head[k].text.lower() in DETERMINERS:
                return self._description(head[k:])
        return None

    def _clause_before(self, text: str, first: _Token) -> list[_Token]:
        """The clause before the one starting at `first`, back to a sentence end."""
        tokens = [_Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        earlier = [t for t in tokens if t.end <= first.start and t.text not in ";"]
        for k in range(len(earlier) - 1, -1, -1):
            if earlier[k].text in ".!?":
                return earlier[k + 1 :]
        return earlier

    def _clause(self, text: str, *, first: bool) -> list[_Token]:
        tokens = [_Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        if first:
            # Skip leading punctuation (`, she said`), stop at the clause's end.
            while tokens and not tokens[0].text[0].isalpha():
                tokens.pop(0)
            for i, token in enumerate(tokens):
                if token.text in _CLAUSE_END:
                    return tokens[:i]
            return tokens
        # The last sentence-like stretch before the quote.
        for i in range(len(tokens) - 2, -1, -1):
            if tokens[i].text in ".;!?":
                return tokens[i + 1 :]
        return tokens

    def _index(self, text: str) -> None:
        """Find the names in `text` once: where each starts, and what lies inside one."""
        self._starts = {m.start: m for m in self.cast.mentions(text)}
        self._inside = {i for m in self._starts.values() for i in range(m.start + 1, m.end)}

    def _reports(self, text: str, tokens: list[_Token], verb: int) -> bool:
        """Whether the verb reports speech in a that-clause of its own."""
        rest = tokens[verb + 1 : verb + 3]
        if len(rest) < 2 or rest[0].text.lower() != "that":
            return False
        pronoun = rest[1].text.lower() in ("it", "they", "we", "you")
        return pronoun or self._subject(text, rest[1]) is not None

    def _is_speech(self, tokens: list[_Token], i: int) -> bool:
        word = tokens[i].text
        if not word[0].isalpha() or (word[0].isupper() and i > 0):
            return False
        helped = i > 0 and tokens[i - 1].text == "help"
        if not helped and any(negates(t.text) for t in tokens[max(0, i - 2) : i]):
            return False  # `did not answer` (but `could not help exclaiming`)
        if i and tokens[i - 1].text.lower() in _OBJECTS:
            return False  # `I could feel her crying`, `I heard him call`: not the subject's
        following = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if following == "to" and i + 2 < len(tokens) and begins_infinitive(tokens[i + 2].text):
            return False  # `began to worry`, not `said to her`
        return speaks(word, following) and word.lower() not in ("note", "notes")

    def _subject(self, text: str, token: _Token, *, possessive_ok: bool = False) -> Tag | None:
        mention = self._starts.get(token.start)
        if mention is not None:
            return Tag("name", mention.character)
        if token.start in self._inside:
            return None  # "Cavendish" of "Mary Cavendish"
        if token.text == "I":
            return Tag("first-person")
        gender = PRONOUNS.get(token.text.lower())
        return Tag("pronoun", gender=gender) if gender else None

    def _last_subject(self, text: str, tokens: list[_Token], *, strict: bool = False) -> Tag | None:
        """The subject nearest before the verb: a name or pronoun followed by a verb-like
        word, an adverb, the verb itself, or a comma opening an aside (`the Mouse, who ...,`)."""
        for i in range(len(tokens) - 1, -1, -1):
            token = tokens[i]
            if not token.text[0].isalpha():
                continue
            subject = self._subject(text, token)
            if subject is None:
                continue
            earlier = [t for t in tokens[:i] if t.text[0].isalpha()][-1:]
            end = self._mention_end(text, token)
            following = [t.text for t in tokens if t.start >= end][:3]
            nxt = following[0] if following else ""
            prior = earlier[0].text.lower() if strict and earlier else ""
            if (
                prior in SUBORDINATORS
                and nxt != ","
                and any(t.text == "," for t in tokens[i + 1 :])
            ):
                # `where Anne was standing, Diana said` (not `so that Kate asked`, nor
                # `so earnest, that Mr. Gradgrind, shocked by it, said`)
                continue
            if prior and token.text.lower() not in ("he", "she") and is_object_position(prior):
                continue  # `in the absence of Miss Bartlett`, `snubbing George` (not "she")
            if prior in _WHAT:
                continue  # `he cried, after hearing what she said`: her words, not a tag
            if _in_aside(tokens, i):
                continue  # `Fielding, who didn't dislike Miss Derek, replied:`
            if not strict or not nxt or nxt == "," or nxt.endswith("ly") or verb_follows(following):
                return subject
            if nxt.lower() in ("and", "to", "of", "with"):
                continue
        return None

    def _first_subject(self, text: str, tokens: list[_Token]) -> Tag | None:
        words = [t for t in tokens if t.text[0].isalpha()]
        return self._subject(text, words[0]) if words else None

    def _mention_end(self, text: str, token: _Token) -> int:
        mention = self._starts.get(token.start)
        return mention.end if mention is not None else token.end

    def _subject_after(self, text: str, tokens: list[_Token], verb: int) -> Tag | None:
        """Inverted order: `said Izzie`, `exclaimed the horrified Mrs. Rachel`, `said he`."""
        start = verb + 1
        if start < len(tokens) and tokens[start].text.lower() in _PARTICLES:
            start += 1
        for token in tokens[start : start + 5]:
            if not token.text[0].isalpha() or token.text in ("to", "at", "towards", "with"):
                return None  # `said her mother to Lucy`: Lucy is whom it is said to
            if token.text.lower() in _CLAUSE_OPENERS:
                return None  # `cried her father as she appeared`: she is another clause's
            subject = self._subject(text, token)
            if subject is not None:
                return subject
            if not token.text.islower():
                return None  # a capitalised word that is no name: not this tag's subject
        return None

    def _outsider(self, tokens: list[_Token], verb: int) -> Tag | None:
        """`Bailey says`, `said Dr. Webber`: a speaker named right beside the verb who is
        not in the cast (so the quote is nobody's in it)."""
        beside = tokens[:1] if 1 <= verb <= 3 else []  # `Richard Webber says`
        after = tokens[verb + 1 : verb + 2]
        for token in (*beside, *after):
            word = token.text
            if (
                word[0].isupper()
                and word not in COMMON_WORDS  # `Here some family joke exploded`
                and re.sub(r"['\u2019]\w+$", "", word.lower()) not in {*PRONOUNS, *DETERMINERS}
                and token.start not in self._inside
            ):
                return Tag("outsider")
        return None

    def _passive_agent(self, text: str, tokens: list[_Token], verb: int) -> Tag | None:
        """`thus accosted by Miss Bingley,`: the agent after "by"."""
        for i in range(verb + 1, min(len(tokens), verb + 4)):
            if tokens[i].text == "by" and i + 1 < len(tokens):
                return self._subject(text, tokens[i + 1])
        return None

    def _description(self, tokens: list[_Token]) -> Tag | None:
        words = [t.text.lower() for t in tokens[:6] if t.text[0].isalpha()]
        return described_speaker(words, self.cast)

    def _speech_noun_owner(self, text: str, tokens: list[_Token]) -> Tag | None:
        words = [t for t in tokens[:6] if t.text[0].isalpha()]
        if len(words) < 3 or words[0].text.lower() not in ("was", "were", "came"):
            return None
        for i, token in enumerate(words[1:4], start=1):
            # (`were Colonel Fitzwilliam's words`: spoken words, not written ones.)
            if lemma(token.text) in SPEECH_NOUNS or token.text.lower() in _SPOKEN_NOUNS:
                owner = words[1]
                subject = self._subject(text, owner)
                if subject is not None and owner.text.lower() not in ("he", "she"):
                    return subject
                gender = {"his": "male", "her": "female"}.get(owner.text.lower())
                return Tag("pronoun", gender=gender) if gender else None  # type: ignore[arg-type]
            if i > 2:
                break
        return None

    def _with_listeners(self, text: str, tokens: list[_Token], subject: Tag) -> Tag:
        listeners = set()
        for i, token in enumerate(tokens[:-1]):
            if token.text == "to":
                target = tokens[i + 1]
                mention = self._starts.get(target.start)
                if mention is not None:
                    listeners.add(mention.character)
        return dataclasses.replace(subject, speech=True, listeners=frozenset(listeners))


def _in_aside(tokens: list[_Token], i: int) -> bool:
    """Whether token i is inside a relative clause set off by a comma (`, who ...`) that
    has not closed before it."""
    for j in range(i - 1, 0, -1):
        word = tokens[j].text
        if word == ",":
            return False
        if word.lower() in ("who", "whom", "whose", "which") and tokens[j - 1].text == ",":
            return True
    return False
