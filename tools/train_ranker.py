"""Train the speaker ranker (narrator/attribute/ranker.json) on the PDNC dev novels.

    .venv/bin/python tools/train_ranker.py [--eval ../shared/eval] [--write]

Reads every pdnc-dev novel (chapter.txt, voices.yaml, gold.json), runs narrator's own
ingest, segmentation and rule sieve, and fits a conditional logit over each quotation's
candidate speakers. Prints leave-one-novel-out accuracy (each novel scored by a model
trained on the other six: the estimate for unseen books), then the accuracy of the sieve
alone for comparison. --write saves the model trained on all seven.

Needs numpy (the dev group); narrator itself only reads the JSON weights.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrator.attribute.features import Evidence
from narrator.attribute.names import NameIndex
from narrator.attribute.ranker import WEIGHTS_FILE, Model, decode, local_scores
from narrator.attribute.sieve import Sieve
from narrator.config import load_config
from narrator.text.ingest import ingest
from narrator.text.segment import segment

L2: float = 1.0
STEPS: int = 1500
REPEAT_GRID: tuple[float, ...] = (-2.0, -1.0, -0.5, 0.0)
ALTERNATE_GRID: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)


@dataclass
class Novel:
    """A dev novel as narrator sees it, and the gold speaker of each quotation."""

    name: str
    evidence: Evidence
    quotes: list[tuple[int | None, str]]
    """(dialogue segment index, or None when not detected; gold speaker)."""


@dataclass
class Quote:
    """One detected quotation's candidates and their features, for one pass."""

    gold: str
    names: list[str]
    features: list[dict[str, float]]


def load_novel(folder: Path) -> Novel:
    """Run narrator's stages on a dev novel and align its gold quotations."""
    config = load_config(folder / "voices.yaml")
    chapter = ingest(folder / "chapter.txt")
    sieve = Sieve(segment(chapter), NameIndex(config.characters))
    segments = sieve.run()
    dialogue = [i for i, s in enumerate(segments) if s.kind == "dialogue"]
    starts = [segments[i].start for i in dialogue]
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["quotes"]
    quotes: list[tuple[int | None, str]] = []
    for q in gold:
        if q["speaker"].startswith("_"):
            continue
        at = bisect.bisect_right(starts, q["end"])
        best, overlap = None, 0
        for i in dialogue[max(0, at - 4) : at + 1]:
            o = min(segments[i].end, q["end"]) - max(segments[i].start, q["start"])
            if o > overlap:
                best, overlap = i, o
        detected = best is not None and 2 * overlap >= q["end"] - q["start"]
        quotes.append((best if detected else None, q["speaker"]))
    return Novel(folder.name, Evidence(sieve), quotes)


def examples(novel: Novel) -> list[Quote]:
    """The detected quotations with their candidates' current features."""
    out = []
    for i, gold in novel.quotes:
        if i is None:
            continue
        names = novel.evidence.candidates(i)
        out.append(Quote(gold, names, [novel.evidence.features(i, n) for n in names]))
    return out


def fit(quotes: list[Quote]) -> dict[str, float]:
    """Maximum-likelihood conditional logit with L2, by Adam on the full batch.

    All candidates of all quotes are rows of one matrix; a quote's softmax runs over its
    own rows (np.add.reduceat over the group boundaries), so a step is a few matrix
    products rather than a loop over quotes.
    """
    usable = [q for q in quotes if _index(q) is not None]
    vocab = sorted({name for q in usable for f in q.features for name in f})
    column = {name: n for n, name in enumerate(vocab)}
    rows = sum(len(q.names) for q in usable)
    x = np.zeros((rows, len(vocab)))
    group = np.zeros(rows, dtype=np.int64)
    starts = np.zeros(len(usable), dtype=np.int64)
    gold_rows = np.zeros(len(usable), dtype=np.int64)
    r = 0
    for n, q in enumerate(usable):
        starts[n] = r
        gold_rows[n] = r + _index(q)  # type: ignore[operator]
        for f in q.features:
            for name, value in f.items():
                x[r, column[name]] = value
            group[r] = n
            r += 1
    w = np.zeros(len(vocab))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, STEPS + 1):
        s = x @ w
        s -= np.maximum.reduceat(s, starts)[group]
        e = np.exp(s)
        p = e / np.add.reduceat(e, starts)[group]
        grad = (x.T @ p - x[gold_rows].sum(axis=0)) / len(usable) + L2 * w / len(usable)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return {name: float(w[n]) for n, name in enumerate(vocab) if abs(w[n]) > 1e-6}  # type: ignore[return-value]


def _index(q: Quote) -> int | None:
    lowered = [n.casefold() for n in q.names]
    gold = q.gold.casefold()
    return lowered.index(gold) if gold in lowered else None


def accuracy(novel: Novel, choices: dict[int, tuple[str, float]] | None) -> float:
    """Share of gold quotes whose speaker is chosen right (undetected ones are wrong)."""
    verdicts = novel.evidence.sieve.verdicts
    right = 0
    for i, gold in novel.quotes:
        if i is None:
            continue
        sieve = verdicts[i].speaker if i in verdicts else ""
        name = sieve if choices is None or i not in choices else choices[i][0]
        right += name.casefold() == gold.casefold()
    return right / len(novel.quotes)


def train(novels: list[Novel]) -> Model:
    """Local weights by maximum likelihood, then transition weights by grid search."""
    local = fit([q for novel in novels for q in examples(novel)])
    best: tuple[float, dict[str, float]] = (-1.0, {})
    total = sum(len(n.quotes) for n in novels)
    scores = [local_scores(n.evidence, local) for n in novels]
    for repeat in REPEAT_GRID:
        for alternate in ALTERNATE_GRID:
            model = Model(local, {"repeat": repeat, "alternate": alternate})
            right = sum(
                accuracy(n, decode(n.evidence, model, s)) * len(n.quotes)
                for n, s in zip(novels, scores, strict=True)
            )
            if right / total > best[0]:
                best = (right / total, model.transitions)  # type: ignore[assignment]
    return Model(local, best[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=Path(__file__).parents[2] / "shared" / "eval")
    parser.add_argument("--write", action="store_true", help=f"save the model to {WEIGHTS_FILE}")
    args = parser.parse_args()
    folders = sorted(p for p in (args.eval / "pdnc-dev").iterdir() if (p / "gold.json").exists())
    started = time.perf_counter()
    novels = [load_novel(f) for f in folders]
    print(f"{len(novels)} novels read in {time.perf_counter() - started:.1f} s")
    total = sum(len(n.quotes) for n in novels)
    covered = sum(_index(q) is not None for n in novels for q in examples(n))
    print(f"gold speaker among the candidates: {covered}/{total} = {covered / total:.3f}")
    right_sieve = right_ranker = 0.0
    for novel in novels:
        model = train([n for n in novels if n is not novel])
        sieve, ranked = accuracy(novel, None), accuracy(novel, decode(novel.evidence, model))
        right_sieve += sieve * len(novel.quotes)
        right_ranker += ranked * len(novel.quotes)
        print(f"{novel.name:35} sieve {sieve:.3f}  ranker (left out) {ranked:.3f}")
    micro_sieve, micro_ranker = right_sieve / total, right_ranker / total
    print(f"{'MICRO':35} sieve {micro_sieve:.3f}  ranker (left out) {micro_ranker:.3f}")
    if args.write:
        model = train(novels)
        Model(model.local, model.transitions, tuple(n.name for n in novels)).save(WEIGHTS_FILE)
        print(f"wrote {WEIGHTS_FILE} ({len(model.local)} weights, transitions {model.transitions})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
