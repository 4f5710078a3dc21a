"""Detector quality and speed: recall and precision at an IoU threshold, ms per frame."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from plateplug.data.benchsets import Sample
from plateplug.data.boxes import greedy_match, iou, matched_truths
from plateplug.detect.detection import Detection

HEIGHT_BANDS = ((0, 16, "<16 px"), (16, 32, "16-32 px"), (32, 64, "32-64 px"),
                (64, 10**9, ">=64 px"))


def height_band(box: np.ndarray) -> str:
    """The plate-height band of a true box (HEIGHT_BANDS)."""
    height = float(box[3] - box[1])
    return next(label for low, high, label in HEIGHT_BANDS if low <= height < high)


@dataclass
class Counts:
    """Matched boxes over a set of frames (recall / precision are 1.0 when nothing to count),
    ``[truths, matched]`` per plate-height band and per plate source, detections on images
    holding exactly one plate, detections on plates the labels miss (``on_unlabelled``,
    counted in ``detections``), and the same counts per image source (``by_image_source``)."""

    frames: int = 0
    truths: int = 0
    detections: int = 0
    matched: int = 0
    by_height: dict[str, list[int]] = field(default_factory=dict)
    by_source: dict[str, list[int]] = field(default_factory=dict)
    one_plate_images: int = 0
    one_plate_detections: int = 0
    on_unlabelled: int = 0
    by_image_source: dict[str, Counts] = field(default_factory=dict)

    def add(self, detections: int, truth: np.ndarray, sources: Sequence[str],
            hits: np.ndarray, on_unlabelled: int = 0) -> None:
        """Count one frame: its number of detections, true boxes, their sources, which of
        them were matched, and how many detections found a plate the labels miss."""
        self.frames += 1
        self.on_unlabelled += on_unlabelled
        self.truths += len(truth)
        self.detections += detections
        self.matched += int(hits.sum())
        if len(truth) == 1:
            self.one_plate_images += 1
            self.one_plate_detections += detections
        for box, source, hit in zip(truth, sources, hits):
            for tally in (self.by_height.setdefault(height_band(box), [0, 0]),
                          self.by_source.setdefault(source, [0, 0])):
                tally[0] += 1
                tally[1] += int(hit)

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

    @property
    def precision_unlabelled_left_out(self) -> float:
        """Precision with the detections on plates the labels miss left out."""
        kept = self.detections - self.on_unlabelled
        return self.matched / kept if kept else 1.0

    @property
    def boxes_per_image(self) -> float:
        return self.detections / self.frames if self.frames else 0.0

    @property
    def boxes_per_one_plate_image(self) -> float | None:
        """Detections per image over the images holding exactly one plate (None: none)."""
        if not self.one_plate_images:
            return None
        return self.one_plate_detections / self.one_plate_images

    def summary(self) -> dict[str, object]:
        """The counts and rates as a JSON-ready dict (without the per-source breakdown)."""
        one = self.boxes_per_one_plate_image
        return {"frames": self.frames, "plates": self.truths, "detections": self.detections,
                "recall": round(self.recall, 4), "precision": round(self.precision, 4),
                "on_unlabelled": self.on_unlabelled,
                "precision_unlabelled_left_out": round(self.precision_unlabelled_left_out, 4),
                "boxes_per_image": round(self.boxes_per_image, 3),
                "one_plate_images": self.one_plate_images,
                "boxes_per_one_plate_image": None if one is None else round(one, 3),
                "recall_by_height": self.recall_by_height(),
                "recall_by_source": self.recall_by_source()}


def evaluate_all(detectors: Mapping[str, Callable[[np.ndarray], list[Detection]]],
                 samples: Iterable[Sample], threshold: float = 0.5,
                 min_score: float = 0.0) -> dict[str, Counts]:
    """Run every detector on each sample (read once) and count, overall and per image
    source; keep detections >= min_score."""
    results = {name: Counts() for name in detectors}
    for sample in samples:
        for name, detector in detectors.items():
            found = [d for d in detector(sample.frame) if d.score >= min_score]
            hits = matched_truths(found, sample.boxes, threshold)
            extra = unlabelled_found(found, sample.boxes, sample.unlabelled, threshold)
            counts = results[name]
            per_source = counts.by_image_source.setdefault(sample.source, Counts())
            for tally in (counts, per_source):
                tally.add(len(found), sample.boxes, sample.sources, hits, extra)
    return results


def unlabelled_found(found: Sequence[Detection], truth: np.ndarray,
                     unlabelled: np.ndarray | None, threshold: float = 0.5) -> int:
    """How many plates the labels miss (``unlabelled`` boxes) are found, each by one of the
    detections that overlap no true box at IoU ``threshold``, best first."""
    if unlabelled is None or not len(unlabelled) or not found:
        return 0
    ranked = np.array([d.box for d in sorted(found, key=lambda d: -d.score)], np.float32)
    if len(truth):
        ranked = ranked[iou(ranked, truth).max(axis=1) < threshold]
    return int(greedy_match(iou(ranked, unlabelled), threshold).sum()) if len(ranked) else 0


def evaluate(detector: Callable[[np.ndarray], list[Detection]], samples: Iterable[Sample],
             threshold: float = 0.5, min_score: float = 0.0) -> Counts:
    """``evaluate_all`` for one detector."""
    return evaluate_all({"": detector}, samples, threshold, min_score)[""]


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
