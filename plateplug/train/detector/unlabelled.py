"""Boxes an earlier detector finds on the training frames that overlap no label.

On the dashcam frames they are mostly plates the labels miss: training leaves them out of
the heatmap loss (neither plate nor background). On the scenes photos, whose labels are
complete, they are hard negatives (lettering, signs, timestamps): training centres crops on
them so that the network learns them as background."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from plateplug.data.benchsets import read_unlabelled
from plateplug.data.boxes import iou
from plateplug.data.frames import Frame
from plateplug.detect.detection import Detection
from plateplug.detect.onnx_detector import OnnxDetector
from plateplug.imageio import atomic_path
from plateplug.runtime import session

MIN_SCORE = 0.5  # unlabelled plates
NEGATIVE_SCORE = 0.3  # hard negatives
MAX_IOU = 0.1  # a detection overlapping a label by more than this is that label


def mining_detector(model: Path, min_score: float = MIN_SCORE) -> OnnxDetector:
    """The detector file ``model`` alone (without its verifier), keeping detections down to
    ``min_score``."""
    detector = OnnxDetector(session(Path(model), "cpu"), str(model))
    detector.score_threshold = min_score
    return detector


def find_unlabelled(detector: Callable[[np.ndarray], list[Detection]],
                    frames: Iterable[Frame]) -> dict[Path, np.ndarray]:
    """For each frame (by path), the boxes ``detector`` finds that match no label."""
    found = {}
    for frame in frames:
        truth = frame.box_array()
        boxes = np.array([d.box for d in detector(frame.read())], np.float32).reshape(-1, 4)
        if len(truth) and len(boxes):
            boxes = boxes[iou(boxes, truth).max(axis=1) <= MAX_IOU]
        found[frame.path] = boxes
    return found


def write_boxes(path: Path, boxes: dict[Path, np.ndarray]) -> None:
    """Save mined boxes as ``image,x1,y1,x2,y2`` rows (atomically), for the record."""
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "x1", "y1", "x2", "y2"])
        for image, rows in boxes.items():
            writer.writerows([image.name, *map(int, row)] for row in rows)


def read_boxes(path: Path, frames: Iterable[Frame]) -> dict[Path, np.ndarray]:
    """Boxes saved by ``write_boxes``, keyed by the path of each of ``frames``."""
    rows = read_unlabelled(path)
    empty = np.zeros((0, 4), np.float32)
    return {f.path: rows.get(f.path.name, empty) for f in frames}
