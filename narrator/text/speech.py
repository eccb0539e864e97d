"""Which quotations are speech. Not every quotation is; these stay with the narrator:

- mentions: a short quote run into its sentence after a word that is not a speech verb
  (`labelled "ORANGE MARMALADE"`, `Giotto's "Ascension"`, scare quotes), or after
  "called" naming something (`a novel called "Middlemarch"`), or beginning in lower case
  (`thought "provincial" to dine`, `spoke of it as "handsome."`);
- speech that is only imagined or reported (`as much as to say "..."`, `instead of
  saying "..."`, `saying that "..."`, `He felt like answering: "..."`), and words no one
  says aloud: a look "saying" them (`Her eyes said: "..."`), a view summed up (`The
  theory ran: "..."`), a quote named for what it is (`"Boum" is the sound`);
- writing: a note, sign, telegram or letter quoted after what it is
  (`It read: "..."`, `The telegram was in Spanish: "..."`, `"...," the document ran`);
- readings: a quote that is wholly a quotation within it (`"'Come down, O maid'"`);
- lines spoken in chorus (`"Prizes!" they all cried`, `said the others`, `Some others
  said, "..."`): no one character's voice fits them.
"""

from __future__ import annotations

import re
from typing import Final

from narrator.text.english import SPEECH_NOUNS, SPEECH_VERBS, lemma
from narrator.text.quotes import DOUBLE, SINGLE, Quote, QuoteStyle

QUOTE_MARKS: Final = DOUBLE.marks + SINGLE.marks
_WORDS: Final = re.compile(r"[A-Za-z]+")
_SPEECH_VERB_REACH: Final = 4
"""How many words before a quote a speech verb may stand (`said to herself "..."`)."""
_CALL_OUT: Final = frozenset({"out", "back", "up", "after", "across", "down", "over", "to"})
"""Words after "called" that make it a call ("called out", "called after him")."""
_NAMING_VERBS: Final = frozenset({"think", "call"})
_SUBJECT_PRONOUNS: Final = frozenset({"he", "she", "they", "i", "we"})
_MENTION_MAX_WORDS: Final = 6
"""Titles, labels and scare quotes are short; a longer quote run into a sentence is speech."""
_UNSPOKEN: Final = re.compile(
    r"\b(?:as\s+(?:if|though|much\s+as)\s+to\s+(?:say|ask)"
    r"|(?:useless|tempted|going|about|wanted|longed|meant|ready|dying|inclined)\s+to\s+"
    r"(?:say|answer|reply|ask|retort)"
    r"|instead\s+of\s+(?:saying|asking|answering)"
    r"|(?:well|easy|no\s+use|useless|pointless)\s+(?:to\s+say|saying)"
    r"|(?:might|would|could|should|must)\s+have\s+(?:said|quoted|asked|answered|replied)"
    r"|(?:nearly|almost|never)\s+(?:\w+\s+){0,3}?(?:said|saying|asked|answered)"
    r"|(?:he|she|they|I)\s+meant|(?:seemed|appeared)\s+to\s+say"
    r"|felt\s+like\s+\w+ing(?:\s+(?:back|out))?"
    r"|(?:tip\s+of\s+(?:his|her|my|their)\s+tongue|on\s+(?:his|her|my|their)\s+lips)\s+to\s+\w+"
    r"|how\s+could\s+(?:he|she|I|they|we)\s+(?:say|tell|ask|answer)"
    r"|\b(?:say|says|said|saying|declare|declared|declaring|remark|remarked)\s+that)\W*$",
    re.IGNORECASE,
)
"""What comes before imagined or reported speech: `as much as to say, "..."`, `She nearly
said, "..."`, `saying that "..."`, `He felt like answering: "..."`, `It was on the tip of
his tongue to reply: "..."`."""
_WRITTEN: Final = re.compile(
    r"(?:\b(?:it|which|that|this|document|letter|note|telegram|message)\s+(?:read|reads|ran|runs)"
    r"\s*[:,]?"
    r"|\b(?:card|postcard|telegram|wire|sign|notice|banner|inscription|label|address|tune"
    r"|headline|poster|placard|epitaph|motto|legend)\b(?:\s+[\w,]+){0,4}\s*:"
    r")\s*$",
    re.IGNORECASE,
)
"""What comes before written words: `It read: "..."`, `a card from Budapest: "..."`,
`"Mademoiselle," the document ran, "..."`."""
_MUTE: Final = (
    r"(?:eyes|look|looks|glance|face|smile|gesture|attitude|expression|manner|silence|shrug"
    r"|nod|document|letter|note|telegram|message)"
)
_SUMMED: Final = (
    r"(?:was|is)\s+(?:the|a|an|its|his|her|their)\s+(?:\w+\s+)?"
    r"(?:sound|noise|burden|motto|refrain|saying|maxim|creed|formula|quotation)\b"
)
"""A quote named for what it is: `"Boum" is the sound`, `"..." was their burden`."""
_MUTE_BEFORE: Final = re.compile(
    r"\b(?:her|his|their|its|my|your|the)\s+(?:\w+\s+)?"
    + _MUTE
    + r"\s+(?:\w+ly\s+)?(?:said|says|asked|expressed|signified|seemed\s+to\s+say)\s*[:,]?\s*$"
    r"|\b(?:notion|theory|attitude|idea|motto|creed|maxim|burden)\s+(?:was|ran|is|runs)\s*[:,]?\s*$"
    r"|\b" + _SUMMED + r"\s*[:,]?\s*$",
    re.IGNORECASE,
)
"""What comes before words no one says aloud: a look or gesture "saying" them (`Her eyes
said: "..."`), a view summed up (`The theory ran: "..."`, `His attitude was, "..."`)."""
_MUTE_AFTER: Final = re.compile(
    r"^[\s,]*(?:(?:her|his|their|its|my|your|the)\s+(?:\w+\s+)?"
    + _MUTE
    + r"\s+(?:said|says|expressed|asked|ran|read|seemed\s+to\s+say)\b|"
    + _SUMMED
    + ")",
    re.IGNORECASE,
)
"""A tag after a quote whose "speaker" is a look, gesture or document (`"You see," her
attitude expressed`, `"Mademoiselle," the document ran`), or that says what the quote is
(`"Pomper, pomper," was the sound`)."""
_CHORUS: Final = re.compile(
    r"^[\s,\u2014\u2013-]*(?:(?:almost|nearly|\w+ly)\s+)?(?:(?P<verb>[a-z]+)\s+)?"
    r"(?:they(?:\s+(?:all|both))?|the\s+others|the\s+rest|all\s+of\s+them|both\s+of\s+them|everyone"
    r"|everybody|(?:quite\s+)?a\s+chorus(?:\s+of\s+\w+)?|the\s+(?:crowd|company|voices|others"
    r"|ladies|gentlemen|men|women|children|girls|boys|soldiers|guests|servants|jury))\b"
    r"(?:\s+(?P<after>[a-z]+))?(?:\s+(?P<third>[a-z]+))?"
)
"""A speech tag with a plural subject right after a quote: `they both cried`, `said the others`,
`almost shrieked the rest`."""
_CHORUS_BEFORE: Final = re.compile(
    r"\b(?:some\s+others|others|a\s+few|the\s+rest|(?:his|her|their)\s+companions|every\s+tongue"
    r"|everyone|everybody|they\s+all)(?:\s+\w+){0,3}?\s+(?:said|say|saying|cried|called\s+out"
    r"|whispered|whispering|shouted|asked)\s*[:,]?\s*$",
    re.IGNORECASE,
)
"""A group saying a line, before it: `Some others said, "..."`, `a few who dared to say,
"..."`, `his companions called out, "..."`."""


def is_speech(text: str, start: int, end: int, quote: Quote, style: QuoteStyle) -> bool:
    """Whether a quotation found in the paragraph `text[start:end]` is someone speaking
    (see the module's list of what is not)."""
    before = text[max(start, quote.open_mark - 80) : quote.open_mark]
    if any(p.search(before) for p in (_UNSPOKEN, _WRITTEN, _MUTE_BEFORE, _CHORUS_BEFORE)):
        return False
    after = text[quote.end + 1 : min(end, quote.end + 60)] if quote.closed else ""
    if _is_chorus(after) or _MUTE_AFTER.match(after):
        return False
    if _is_reading(text, quote, style):
        return False
    return not _is_mention(text, start, quote)


def _is_chorus(after: str) -> bool:
    """Whether the text after a quote is a speech tag whose subject is a group."""
    match = _CHORUS.match(after)
    if match is None:
        return False
    words = [match.group(g) for g in ("verb", "after", "third") if match.group(g)]
    return any(lemma(word) in SPEECH_VERBS for word in words)


def _is_mention(text: str, start: int, quote: Quote) -> bool:
    """A quote run into its sentence after a word (`the words "DRINK ME"`, `Giotto's
    "Ascension"`) names or labels something. It is speech when a speech verb comes in the
    few words before it (`saying to herself "..."`), when a gap wider than a space stands
    for a dash (`I indicated the mantelpiece   "that paralysed him"`), or when it is long."""
    cursor = quote.open_mark
    gap = cursor
    while cursor > start and text[cursor - 1] in " \t\n":
        cursor -= 1
    if cursor == start or not (text[cursor - 1].isalnum() or text[cursor - 1] in "'\u2019"):
        return False
    if "  " in text[cursor:gap]:
        return False
    clause_start = max(start, cursor - 60)
    for stop in ".,;:!?()\u2014\u2013" + QUOTE_MARKS:
        clause_start = max(clause_start, text.rfind(stop, clause_start, cursor) + 1)
    words = _WORDS.findall(text, clause_start, cursor)[-_SPEECH_VERB_REACH:]
    short = len(_WORDS.findall(text, quote.open_mark, quote.end)) <= _MENTION_MAX_WORDS
    if short and _lower_case(text, quote) and not (words and _says(words[-1])):
        # `thought "provincial" to put`, `spoke of it as "handsome."`: what is said begins
        # a sentence; a term someone uses, run into the narrator's own, does not. After a
        # tag (`"...," thought Alice "without pictures?"`) it is the speech going on.
        return not _after_a_tag(words)
    spoken = [
        k for k, word in enumerate(words)
        if lemma(word) in SPEECH_VERBS or word.lower() in SPEECH_NOUNS
    ]  # fmt: skip
    # `called "Rachael!"`: a name exclaimed or asked is called out, not named.
    plain = text[quote.open_mark + 1 : quote.end].rstrip()[-1:] not in "!?"
    if spoken and not (plain and _names(words[spoken[-1] :])):
        return False
    return short


def _after_a_tag(words: list[str]) -> bool:
    """Whether the words before a quote end in a speech tag: a speech verb and its
    speaker (`thought Alice`, `said he`)."""
    verbs = [k for k, word in enumerate(words) if lemma(word) in SPEECH_VERBS]
    speaker = words[verbs[-1] + 1 :] if verbs else []
    return 0 < len(speaker) <= 3 and all(
        word[0].isupper() or word.lower() in _SUBJECT_PRONOUNS for word in speaker
    )


def _lower_case(text: str, quote: Quote) -> bool:
    """Whether a quote's words begin with a small letter."""
    first = _WORDS.search(text, quote.open_mark, quote.end)
    return first is not None and first.group()[0].islower()


def _says(word: str) -> bool:
    """Whether a word just before a quote says it (`answered "yes"`), rather than thinks
    or calls it something (`thought "provincial"`)."""
    return lemma(word) in SPEECH_VERBS - _NAMING_VERBS


def _names(words: list[str]) -> bool:
    """Whether the words before a quote, from its nearest speech verb on, name what the
    quote holds rather than say it: `a novel called "Middlemarch"`, `called her "child"`,
    `what was then called a "Josephine look"`; not `called out "Stop!"`."""
    return lemma(words[0]) == "call" and not _CALL_OUT & {w.lower() for w in words[1:]}


def _is_reading(text: str, quote: Quote, style: QuoteStyle) -> bool:
    """A quote that is wholly a quotation inside it: a reading or a recital."""
    inner = text[quote.open_mark + 1 : quote.end].strip()
    nested = SINGLE if style is DOUBLE else DOUBLE
    if len(inner) < 3 or inner[0] not in nested.straight + nested.openers:
        return False
    body = inner.rstrip(".,;:!?\u2014-")
    return body[-1:] in nested.straight + nested.closers and body.count(inner[0]) <= 2
