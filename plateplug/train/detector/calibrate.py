"""Pick the exported detector's score threshold: best F1 on the dashcam *train* frames."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx

from plateplug.detect.dashcam import read_frames
from plateplug.detect.evaluate import match_count
from plateplug.detect.metadata import PREFIX
from plateplug.detect.onnx_detector import OnnxDetector
from plateplug.runtime import session

CANDIDATES = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))


def best_threshold(model: Path, dashcam: Path, split: str = "train") -> tuple[float, float]:
    """(threshold, F1) maximising F1 at IoU 0.5 over the ``split`` frames of ``dashcam``."""
    detector = OnnxDetector(session(Path(model), "cpu"), str(model))
    detector.score_threshold = min(CANDIDATES)
    frames = [(detector(f.read()), f.box_array()) for f in read_frames(dashcam, split)]
    best = (detector.metadata.score_threshold, -1.0)
    for threshold in CANDIDATES:
        truths = found = matched = 0
        for detections, truth in frames:
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
