"""Detector quality and speed: recall and precision at an IoU threshold, ms per frame."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from plateplug.detect.decode import iou
from plateplug.detect.detection import Detection


@dataclass
class Counts:
    """Matched boxes over a set of frames (recall / precision are 1.0 when nothing to count)."""

    frames: int = 0
    truths: int = 0
    detections: int = 0
    matched: int = 0

    @property
    def recall(self) -> float:
        return self.matched / self.truths if self.truths else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.detections if self.detections else 1.0


def match_count(found: list[Detection], truth: np.ndarray, threshold: float = 0.5) -> int:
    """How many true boxes a detection (taken best first) covers at IoU >= threshold;
    each truth matches at most one detection."""
    if not found or len(truth) == 0:
        return 0
    overlaps = iou(np.array([d.box for d in sorted(found, key=lambda d: -d.score)]), truth)
    free = np.ones(len(truth), bool)
    matched = 0
    for row in overlaps:
        row = np.where(free, row, -1.0)
        best = int(np.argmax(row))
        if row[best] >= threshold:
            free[best] = False
            matched += 1
    return matched


def evaluate(detector: Callable[[np.ndarray], list[Detection]],
             samples: Iterable[tuple[str, np.ndarray, np.ndarray]], threshold: float = 0.5,
             min_score: float = 0.0) -> Counts:
    """Run ``detector`` on (name, frame, true boxes) samples; keep detections >= min_score."""
    counts = Counts()
    for _, frame, truth in samples:
        found = [d for d in detector(frame) if d.score >= min_score]
        counts.frames += 1
        counts.truths += len(truth)
        counts.detections += len(found)
        counts.matched += match_count(found, truth, threshold)
    return counts


def median_ms(detector: Callable[[np.ndarray], object], frame: np.ndarray, repeats: int = 30,
              warmup: int = 3) -> float:
    """Median wall time of one ``detector(frame)`` call in milliseconds."""
    for _ in range(warmup):
        detector(frame)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        detector(frame)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)
