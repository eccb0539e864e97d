"""The first-person narrator: which member of the cast tells the story as "I".

A story is told in the first person when "I", "me" and "my" are frequent in its
narration (measured: 34-59 per 1,000 words in first-person novels, at most 6 in
third-person ones). Who "I" is comes from how others speak to them: the names addressed
in the quotes just before and after the narrator's own ("..., Alexis Ivanovitch?" / "Yes,"
I replied) are the narrator's. A narrator others rarely name is still found this way; a
character named far more inside quotes than in the narration (where the narrator is
"I") breaks a tie.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Final

from narrator.attribute.cues import addressed
from narrator.attribute.speech_tags import TagReader

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.attribute.names import NameIndex
    from narrator.model import Segment

_FIRST_PERSON: Final = re.compile(r"\b(?:I|me|my|myself)\b")
FIRST_PERSON_RATE: Final = 15.0
"""First-person words per 1,000 words of narration above which a text is told in the
first person."""
_MIN_SCORE: Final = 2.0
"""Evidence needed to name a narrator: two vocatives beside "I said", or one and a name
heard mostly in quotes."""
_NEIGHBOUR_PARAGRAPHS: Final = 2


def is_first_person(segments: Sequence[Segment]) -> bool:
    """Whether the narration is told by an "I"."""
    words = first = 0
    for seg in segments:
        if seg.kind == "narration":
            words += seg.text.count(" ") + 1
            first += len(_FIRST_PERSON.findall(seg.text))
    return words > 0 and 1000 * first / words >= FIRST_PERSON_RATE


def first_person_narrator(segments: Sequence[Segment], cast: NameIndex) -> str | None:
    """The character who tells the story as "I", when the story is told that way and the
    text shows who it is."""
    if not is_first_person(segments):
        return None
    tags = TagReader(cast)
    dialogue = [k for k, seg in enumerate(segments) if seg.kind == "dialogue"]
    near_i: Counter[str] = Counter()
    for position, k in enumerate(dialogue):
        if not _tagged_i(segments, k, tags):
            continue
        for other in dialogue[max(0, position - 1) : position + 2]:
            paragraphs = abs(segments[other].paragraph - segments[k].paragraph)
            if 0 < paragraphs <= _NEIGHBOUR_PARAGRAPHS:
                near_i.update(addressed(segments[other].text, cast))
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for seg in segments:
        counts = inside if seg.kind == "dialogue" else outside
        counts.update(m.character for m in cast.mentions(seg.text))
    scores = {
        name: near_i[name] + 0.5 * math.log2((inside[name] + 1) / (outside[name] + 1))
        for name in set(near_i) | {n for n in inside if inside[n] >= 5}
    }
    if not scores:
        return None
    best = max(scores, key=lambda name: (scores[name], name))
    return best if scores[best] >= _MIN_SCORE else None


def _tagged_i(segments: Sequence[Segment], k: int, tags: TagReader) -> bool:
    """Whether quote k's speech tag is "I said" (before or after it in its paragraph)."""
    quote = segments[k]
    after = segments[k + 1] if k + 1 < len(segments) else None
    if after is not None and after.kind == "narration" and after.paragraph == quote.paragraph:
        tag = tags.after(after.text)
        if tag is not None and tag.kind == "first-person":
            return True
    before = segments[k - 1] if k > 0 else None
    if before is not None and before.kind == "narration" and before.paragraph == quote.paragraph:
        tag = tags.before(before.text)
        return tag is not None and tag.kind == "first-person"
    return False
