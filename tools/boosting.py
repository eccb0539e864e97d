"""Gradient-boosted trees for a yes/no question (logistic loss), small enough to write
out as data: narrator evaluates them with `narrator.attribute.trees`, no numpy needed.

Each round fits a tree of depth `DEPTH` to the loss's gradient and curvature (Newton
leaves with an L2 penalty); splits are searched at the quantiles of each feature, all
features of a node in one pass over a binned copy of the data.

Used by tools/train_attribution.py for the confidence model (is this attribution right?).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from narrator.attribute.trees import Node, Split

ROUNDS: int = 150
DEPTH: int = 3
RATE: float = 0.1
L2: float = 20.0
"""Penalty on a leaf's value (in units of curvature, about a quarter per example)."""
MIN_WEIGHT: float = 10.0
"""Least curvature on each side of a split (about 40 examples)."""
BINS: int = 32


def fit(rows: list[tuple[dict[str, float], bool]]) -> tuple[float, list[Node]]:
    """The starting log-odds and the trees (leaf values already scaled by `RATE`)."""
    names = sorted({k for f, _ in rows for k in f})
    x = np.zeros((len(rows), len(names)))
    column = {name: k for k, name in enumerate(names)}
    for r, (f, _) in enumerate(rows):
        for name, value in f.items():
            x[r, column[name]] = value
    y = np.array([ok for _, ok in rows], dtype=np.float64)
    cuts = [
        np.unique(np.quantile(x[:, j], np.linspace(0, 1, BINS + 1)[1:-1]))
        for j in range(len(names))
    ]
    bins = np.stack([np.searchsorted(c, x[:, j], side="left") for j, c in enumerate(cuts)], axis=1)
    data = _Binned(bins, np.arange(len(names)) * (BINS + 1), cuts, names)
    share = min(max(y.mean(), 1e-3), 1 - 1e-3)
    base = float(np.log(share / (1 - share)))
    margin = np.full(len(y), base)
    trees = []
    for _ in range(ROUNDS):
        p = 1 / (1 + np.exp(-margin))
        trees.append(_grow(data, p - y, p * (1 - p), np.arange(len(y)), DEPTH, margin))
    return base, trees


@dataclass(frozen=True)
class _Binned:
    """The examples as bins of each feature's quantile cuts."""

    bins: np.ndarray
    """bins[r, j]: how many of feature j's cuts lie below row r's value; a row goes to the
    low side of cut k when its bin is at most k."""
    offsets: np.ndarray
    """Where each feature's bins start when all features' bins are laid end to end."""
    cuts: list[np.ndarray]
    names: list[str]


def _grow(
    data: _Binned, g: np.ndarray, h: np.ndarray, rows: np.ndarray, depth: int, margin: np.ndarray
) -> Node:
    """A (sub)tree over `rows` fitted to gradient `g` and curvature `h`; each row's leaf
    is added to its `margin`."""
    total_g, total_h = g[rows].sum(), h[rows].sum()
    split = _best_split(data, g, h, rows, total_g, total_h) if depth else None
    if split is None:
        leaf = float(-RATE * total_g / (total_h + L2))
        margin[rows] += leaf
        return round(leaf, 5)
    j, k = split
    low = data.bins[rows, j] <= k
    return Split(
        data.names[j],
        round(float(data.cuts[j][k]), 6),
        _grow(data, g, h, rows[low], depth - 1, margin),
        _grow(data, g, h, rows[~low], depth - 1, margin),
    )


def _best_split(
    data: _Binned, g: np.ndarray, h: np.ndarray, rows: np.ndarray, total_g: float, total_h: float
) -> tuple[int, int] | None:
    """The (feature, cut) that lowers the loss most, if any split does."""
    width = BINS + 1
    offsets = data.offsets
    flat = (data.bins[rows] + offsets).ravel()
    count = len(offsets) * width
    sum_g = np.bincount(flat, weights=np.repeat(g[rows], len(offsets)), minlength=count)
    sum_h = np.bincount(flat, weights=np.repeat(h[rows], len(offsets)), minlength=count)
    left_g = np.cumsum(sum_g.reshape(-1, width), axis=1)[:, :-1]
    left_h = np.cumsum(sum_h.reshape(-1, width), axis=1)[:, :-1]
    right_g, right_h = total_g - left_g, total_h - left_h
    gain = left_g**2 / (left_h + L2) + right_g**2 / (right_h + L2) - total_g**2 / (total_h + L2)
    gain[(left_h < MIN_WEIGHT) | (right_h < MIN_WEIGHT)] = -np.inf
    j, k = np.unravel_index(int(np.argmax(gain)), gain.shape)
    return (int(j), int(k)) if gain[j, k] > 1e-9 else None
