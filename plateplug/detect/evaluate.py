"""Detector quality and speed: recall and precision at an IoU threshold, ms per frame."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from plateplug.detect.decode import iou
from plateplug.detect.detection import Detection

HEIGHT_BANDS = ((0, 12, "<12 px"), (12, 32, "12-32 px"), (32, 10**9, ">=32 px"))


def height_band(box: np.ndarray) -> str:
    """The plate-height band of a true box: below, inside or above ANPR's usual 12-32 px."""
    height = float(box[3] - box[1])
    return next(label for low, high, label in HEIGHT_BANDS if low <= height < high)


@dataclass
class Counts:
    """Matched boxes over a set of frames (recall / precision are 1.0 when nothing to count),
    and ``[truths, matched]`` per plate-height band and per plate source."""

    frames: int = 0
    truths: int = 0
    detections: int = 0
    matched: int = 0
    by_height: dict[str, list[int]] = field(default_factory=dict)
    by_source: dict[str, list[int]] = field(default_factory=dict)

    def recall_by_height(self) -> dict[str, float]:
        """Recall per height band that has true boxes, in band order."""
        return {label: round(self.by_height[label][1] / self.by_height[label][0], 4)
                for _, _, label in HEIGHT_BANDS if self.by_height.get(label, [0])[0]}

    def recall_by_source(self) -> dict[str, float]:
        """Recall per plate source (e.g. dashcam, eu2, br), by name."""
        return {source: round(matched / truths, 4)
                for source, (truths, matched) in sorted(self.by_source.items())}

    @property
    def recall(self) -> float:
        return self.matched / self.truths if self.truths else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.detections if self.detections else 1.0


def match_count(found: list[Detection], truth: np.ndarray, threshold: float = 0.5) -> int:
    """How many true boxes a detection (taken best first) covers at IoU >= threshold;
    each truth matches at most one detection."""
    return int(matched_truths(found, truth, threshold).sum())


def matched_truths(found: list[Detection], truth: np.ndarray,
                   threshold: float = 0.5) -> np.ndarray:
    """Which true boxes are matched (see ``match_count``), as a boolean array."""
    free = np.ones(len(truth), bool)
    if not found or len(truth) == 0:
        return ~free
    overlaps = iou(np.array([d.box for d in sorted(found, key=lambda d: -d.score)]), truth)
    for row in overlaps:
        row = np.where(free, row, -1.0)
        best = int(np.argmax(row))
        if row[best] >= threshold:
            free[best] = False
    return ~free


def evaluate(detector: Callable[[np.ndarray], list[Detection]],
             samples: Iterable[tuple[str, np.ndarray, np.ndarray, Sequence[str]]],
             threshold: float = 0.5, min_score: float = 0.0) -> Counts:
    """Run ``detector`` on (name, frame, true boxes, their sources) samples; keep
    detections >= min_score."""
    counts = Counts()
    for _, frame, truth, sources in samples:
        found = [d for d in detector(frame) if d.score >= min_score]
        counts.frames += 1
        counts.truths += len(truth)
        counts.detections += len(found)
        hits = matched_truths(found, truth, threshold)
        counts.matched += int(hits.sum())
        for box, source, hit in zip(truth, sources, hits):
            for tally in (counts.by_height.setdefault(height_band(box), [0, 0]),
                          counts.by_source.setdefault(source, [0, 0])):
                tally[0] += 1
                tally[1] += int(hit)
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
