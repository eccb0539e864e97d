"""Gradient-boosted trees for a yes/no question (logistic loss), small enough to write
out as data: narrator evaluates them with `narrator.attribute.trees`, no numpy needed.

Each round fits a tree of depth `DEPTH` to the loss's gradient and curvature (Newton
leaves with an L2 penalty); splits are searched at the quantiles of each feature, all
features of a node in one pass over a binned copy of the data.

Used by tools/train_attribution.py for the confidence model (is this attribution right?).
"""

from __future__ import annotations

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
    # bins[r, j]: how many of feature j's cuts lie below row r's value; a row goes to the
    # low side of cut k when its bin is at most k.
    bins = np.stack([np.searchsorted(c, x[:, j], side="left") for j, c in enumerate(cuts)], axis=1)
    offsets = np.arange(len(names)) * (BINS + 1)
    share = min(max(y.mean(), 1e-3), 1 - 1e-3)
    base = float(np.log(share / (1 - share)))
    margin = np.full(len(y), base)
    trees = []
    for _ in range(ROUNDS):
        p = 1 / (1 + np.exp(-margin))
        g, h = p - y, p * (1 - p)
        tree, update = _grow(np.arange(len(y)), g, h, bins, offsets, cuts, names, DEPTH)
        margin += update
        trees.append(tree)
    return base, trees


def _grow(
    rows: np.ndarray,
    g: np.ndarray,
    h: np.ndarray,
    bins: np.ndarray,
    offsets: np.ndarray,
    cuts: list[np.ndarray],
    names: list[str],
    depth: int,
) -> tuple[Node, np.ndarray]:
    """A (sub)tree over `rows`, and what it adds to every row's margin (0 outside)."""
    update = np.zeros(len(g))
    total_g, total_h = g[rows].sum(), h[rows].sum()
    leaf = float(-RATE * total_g / (total_h + L2))
    split = _best_split(rows, g, h, bins, offsets, total_g, total_h) if depth else None
    if split is None:
        update[rows] = leaf
        return round(leaf, 5), update
    j, k = split
    left = bins[rows, j] <= k
    low, low_update = _grow(rows[left], g, h, bins, offsets, cuts, names, depth - 1)
    high, high_update = _grow(rows[~left], g, h, bins, offsets, cuts, names, depth - 1)
    node = Split(names[j], round(float(cuts[j][k]), 6), low, high)
    return node, update + low_update + high_update


def _best_split(
    rows: np.ndarray,
    g: np.ndarray,
    h: np.ndarray,
    bins: np.ndarray,
    offsets: np.ndarray,
    total_g: float,
    total_h: float,
) -> tuple[int, int] | None:
    """The (feature, cut) that lowers the loss most, if any split does."""
    width = BINS + 1
    flat = (bins[rows] + offsets).ravel()
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
