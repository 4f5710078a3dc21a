"""Pick the exported detector's score threshold: best F1 at IoU 0.5 on the synthetic
*train* scenes (train-split plate crops pasted on the dashcam train frames, the recipe of
the held-out bench set). The validation frames and held-out crops are never used."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import onnx

from plateplug.detect.benchsets import Sample, synthetic_scenes
from plateplug.detect.detection import Detection
from plateplug.detect.evaluate import match_count
from plateplug.detect.metadata import PREFIX
from plateplug.detect.onnx_detector import OnnxDetectorModel

CANDIDATES = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))
SEED = 1  # the bench set uses seed 0 on the valid split
Result = tuple[list[Detection], np.ndarray]  # one frame's detections and true boxes


def calibration_scenes(data: Path) -> Iterable[Sample]:
    """The scenes the threshold is chosen on."""
    return synthetic_scenes(data, "train", SEED)


def detect_all(model: Path, samples: Iterable[Sample]) -> list[Result]:
    """The detections of the file ``model`` down to the lowest candidate threshold on each
    of ``samples``, with its true boxes."""
    detector = OnnxDetectorModel(Path(model).stem, Path(model)).load(device="cpu")
    detector.score_threshold = min(CANDIDATES)
    return [(detector(s.frame), s.boxes) for s in samples]


def best_threshold(results: Iterable[Result]) -> tuple[float, float]:
    """(threshold, F1) of the candidate maximising F1 at IoU 0.5 over ``results``; the
    lowest such candidate on a tie."""
    results = list(results)
    best = (CANDIDATES[0], -1.0)
    for threshold in CANDIDATES:
        truths = found = matched = 0
        for detections, truth in results:
            kept = [d for d in detections if d.score >= threshold]
            truths, found = truths + len(truth), found + len(kept)
            matched += match_count(kept, truth)
        f1 = 2 * matched / max(truths + found, 1)
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def write_threshold(model: Path, threshold: float) -> None:
    """Set ``plateplug.score_threshold`` in the ONNX file's metadata (atomically)."""
    proto = onnx.load(str(model))
    key = PREFIX + "score_threshold"
    for entry in proto.metadata_props:
        if entry.key == key:
            entry.value = str(threshold)
    onnx.checker.check_model(proto)
    tmp = Path(model).with_name(Path(model).name + ".tmp")
    onnx.save(proto, str(tmp))
    os.replace(tmp, model)
