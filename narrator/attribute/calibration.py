"""Confidence that means something: the ranker's probability mapped to how often it is right.

The map is fitted by isotonic regression (pool adjacent violators) on leave-one-novel-out
predictions: for each quote of a novel, what a model that never saw that novel decided,
and whether it was right. It is stored as a few (probability, share right) points and
read by linear interpolation. The `?` threshold is chosen on the same predictions: the
lowest calibrated confidence at which the quotes left unmarked are right often enough.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

UNMARKED_ACCURACY: Final = 0.95
"""Quotes not marked `?` should be right at least this often."""
_MAX_POINTS: Final = 24


@dataclass(frozen=True, slots=True)
class Calibration:
    """Raw probability -> probability of being right, and the `?` threshold on the latter."""

    points: tuple[tuple[float, float], ...]
    """(raw probability, share right), raw probabilities increasing."""
    threshold: float
    """Calibrated confidence below which a quote is marked doubtful."""

    def __call__(self, raw: float) -> float:
        """The calibrated confidence of a raw probability."""
        points = self.points
        if not points:
            return raw
        xs = [x for x, _ in points]
        at = bisect.bisect_left(xs, raw)
        if at == 0:
            return points[0][1]
        if at == len(points):
            return points[-1][1]
        (x0, y0), (x1, y1) = points[at - 1], points[at]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


def isotonic(pairs: Sequence[tuple[float, bool]]) -> list[tuple[float, float, int]]:
    """Pool adjacent violators: blocks of (mean raw probability, share right, count), the
    share right never decreasing with the probability."""
    blocks: list[list[float]] = []  # [sum of raw, right, count]
    for raw, right in sorted(pairs):
        blocks.append([raw, float(right), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            for k in range(3):
                blocks[-1][k] += last[k]
    return [(s / n, right / n, int(n)) for s, right, n in blocks]


def fit_calibration(pairs: Sequence[tuple[float, bool]]) -> Calibration:
    """The calibration of (raw probability, right?) pairs, and its `?` threshold."""
    if not pairs:
        return Calibration((), 0.5)
    blocks = isotonic(pairs)
    # Merge the smallest neighbouring blocks until few remain (a small, smooth table).
    while len(blocks) > _MAX_POINTS:
        k = min(range(len(blocks) - 1), key=lambda j: blocks[j][2] + blocks[j + 1][2])
        (x0, y0, n0), (x1, y1, n1) = blocks[k], blocks[k + 1]
        n = n0 + n1
        blocks[k : k + 2] = [((x0 * n0 + x1 * n1) / n, (y0 * n0 + y1 * n1) / n, n)]
    points = tuple((round(x, 4), round(y, 4)) for x, y, _ in blocks)
    calibration = Calibration(points, 0.0)
    return Calibration(points, choose_threshold(calibration, pairs))


def choose_threshold(calibration: Calibration, pairs: Sequence[tuple[float, bool]]) -> float:
    """The lowest calibrated confidence such that the quotes at or above it are right at
    least `UNMARKED_ACCURACY` of the time (the fewest `?` that keep that promise)."""
    scored = sorted(((calibration(raw), right) for raw, right in pairs), reverse=True)
    right = 0
    best = 1.0
    for count, (confidence, ok) in enumerate(scored, start=1):
        right += ok
        if right / count >= UNMARKED_ACCURACY:
            best = confidence
    return round(best, 4)


def reliability(
    pairs: Sequence[tuple[float, bool]], bins: int = 10
) -> list[tuple[float, float, int, float]]:
    """(low edge, high edge, count, share right) per confidence bin, for a reliability
    table; `pairs` are (calibrated confidence, right?)."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [ok for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        share = sum(inside) / len(inside) if inside else 0.0
        table.append((low, high, len(inside), share))
    return table


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float:
    """The count-weighted mean gap between confidence and share right, over bins."""
    total = len(pairs)
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (b == bins - 1 and c == 1.0)]
        if inside:
            mean = sum(c for c, _ in inside) / len(inside)
            share = sum(ok for _, ok in inside) / len(inside)
            error += len(inside) / total * abs(mean - share)
    return error
