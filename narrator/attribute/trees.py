"""Boosted decision trees stored as data (made by tools/boosting.py), and their sum.

A split asks whether one feature is at most a value (`low`) or above it (`high`); a
feature a row does not have is 0. A leaf is a number; a row's score is the starting
log-odds plus the leaf each tree sends it to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


@dataclass(frozen=True, slots=True)
class Split:
    feature: str
    at: float
    low: Node
    high: Node


Node = float | Split


def log_odds(base: float, trees: Sequence[Node], features: Mapping[str, float]) -> float:
    """The starting log-odds plus the leaf each tree sends `features` to."""
    total = base
    for node in trees:
        while isinstance(node, Split):
            node = node.low if features.get(node.feature, 0.0) <= node.at else node.high
        total += node
    return total


def to_data(node: Node) -> object:
    """A tree as JSON data: a number, or {"feature", "at", "low", "high"}."""
    if isinstance(node, Split):
        return {
            "feature": node.feature,
            "at": node.at,
            "low": to_data(node.low),
            "high": to_data(node.high),
        }
    return node


def from_data(data: object) -> Node:
    """The tree `to_data` wrote."""
    if isinstance(data, dict):
        return Split(
            str(data["feature"]), float(data["at"]), from_data(data["low"]), from_data(data["high"])
        )
    if isinstance(data, int | float):
        return float(data)
    raise ValueError(f"not a tree node: {data!r}")
