"""Speakers a text knows only by a description: `said the waiter`, `the old man asked`.

`narrator init` lists them beside the named characters (as "The Waiter", the form a cast
uses for a described speaker, which `said the waiter` then finds), when the text gives
the same description a speech tag at least twice (`discover` counts them over the whole
book). The description is the words after "the" up to its head noun ("the little old
lady", not "the man quietly"); a description that is not a person ("the other", "the
voice", "the first") is left out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from narrator.text.english import GENDERED_NOUNS, SPEECH_VERBS, lemma

if TYPE_CHECKING:
    from narrator.model import Gender

_AFTER_VERB: Final = re.compile(r"^[\s,;:\u2014-]*([a-z]+)\s+the\s+([a-z][a-z -]*)")
"""`, said the old man quietly`: a speech verb, then "the" and what follows it."""
_BEFORE_VERB: Final = re.compile(r"^[\s,;:\u2014-]*[Tt]he\s+([a-z][a-z -]*)")
"""`the old man said`: "the", the description and (after it) the verb."""
_MAX_WORDS: Final = 3
_STOP: Final = frozenset(
    """in on at to of with from by for as and but or who whom whose which that than then
    when while where into onto upon after before behind beside again once still too very
    not never also only just even""".split()
)
"""Words that end a description (`the man in the hat`, `the girl who ...`)."""
_NOT_PEOPLE: Final = frozenset(
    """other others another latter former first second third last next one two three rest
    same whole voice voices words word answer reply response question tone sound noise
    letter note message paper book door phone telephone line radio machine thing things
    way end time moment pair both each all few many several""".split()
)
"""Heads of descriptions that are not a speaker."""
AT_LEAST: Final = 2
"""Speech tags in the whole text a description needs to be listed."""


def tagged_description(text: str) -> str | None:
    """The description a tag after a quote names as its speaker, if any."""
    inverted = _AFTER_VERB.match(text)
    if inverted and lemma(inverted.group(1)) in SPEECH_VERBS:
        return _head(inverted.group(2).split())
    direct = _BEFORE_VERB.match(text)
    if direct:
        words = direct.group(1).split()[: _MAX_WORDS + 2]
        verb = next((k for k, w in enumerate(words) if lemma(w) in SPEECH_VERBS), None)
        if verb:
            return _head(words[:verb])
    return None


def _head(words: list[str]) -> str | None:
    """The description up to its head noun: adverbs and what follows a stop word dropped."""
    kept: list[str] = []
    for word in words[:_MAX_WORDS]:
        if word in _STOP or lemma(word) in SPEECH_VERBS:
            break
        kept.append(word)
    while kept and kept[-1].endswith("ly") and kept[-1] not in ("bully", "ally"):
        kept.pop()
    if not kept or kept[-1] in _NOT_PEOPLE:
        return None
    return " ".join(kept)


def epithet_name(description: str) -> str:
    """The cast name for a description: "old man" -> "The Old Man"."""
    return "The " + " ".join(w.capitalize() for w in description.split())


def epithet_gender(description: str) -> Gender:
    """A description's gender, when one of its words carries it ("old woman")."""
    for word in reversed(description.split()):
        if word in GENDERED_NOUNS:
            return GENDERED_NOUNS[word]
    return "unknown"
