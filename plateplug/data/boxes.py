"""Box geometry: IoU of (x1, y1, x2, y2) boxes and one-to-one matching of found boxes to
true ones, as detector evaluation, calibration, training and tracking count them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class ScoredBox(Protocol):
    """Anything with a ``box`` (x1, y1, x2, y2) and a ``score``, like a Detection."""

    @property
    def box(self) -> Sequence[float]: ...

    @property
    def score(self) -> float: ...


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrix between boxes ``a`` (N x 4) and ``b`` (M x 4), as x1, y1, x2, y2."""
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=2)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """IoU of two ``(x1, y1, x2, y2)`` boxes (``iou`` of one box against one)."""
    return float(iou(np.array([a]), np.array([b]))[0, 0])


def match_count(found: Sequence[ScoredBox], truth: np.ndarray, threshold: float = 0.5) -> int:
    """How many true boxes a detection (taken best first) covers at IoU >= threshold;
    each truth matches at most one detection."""
    return int(matched_truths(found, truth, threshold).sum())


def matched_truths(found: Sequence[ScoredBox], truth: np.ndarray,
                   threshold: float = 0.5) -> np.ndarray:
    """Which true boxes are matched (see ``match_count``), as a boolean array."""
    if not found or len(truth) == 0:
        return np.zeros(len(truth), bool)
    ranked = np.array([d.box for d in sorted(found, key=lambda d: -d.score)])
    return greedy_match(iou(ranked, truth), threshold)


def greedy_match(overlaps: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Which true boxes (columns of the IoU matrix ``overlaps``) the found boxes (rows, best
    first) match, each row taking the free truth it overlaps most, at IoU >= threshold."""
    free = np.ones(overlaps.shape[1], bool)
    if not free.size:
        return ~free
    for row in overlaps:
        row = np.where(free, row, -1.0)
        best = int(np.argmax(row))
        if row[best] >= threshold:
            free[best] = False
    return ~free
