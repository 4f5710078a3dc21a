"""Pick the exported detector's score threshold: best F1 at IoU 0.5 on real *train* frames
(every CALIBRATION_STEP-th dashcam train frame and scenes train photo). The validation
frames are never used. The recall / precision table per candidate threshold is kept beside
the model for the detector card.

The detections are made once, down to the lowest candidate, and filtered by each threshold.
That is exact for a single-pass detector; with extra scale passes it is close, not exact:
where passes overlap the later pass's box is kept whatever its score (``onnx_detector.py``),
so a low-scoring later box dropped by a higher threshold may have hidden an earlier one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

from plateplug.data.benchsets import Sample
from plateplug.data.boxes import match_count
from plateplug.data.frames import read_frames
from plateplug.detect.detection import Detection
from plateplug.detect.metadata import DetectorMetadata
from plateplug.detect.onnx_detector import OnnxDetectorModel
from plateplug.imageio import atomic_path, write_bytes_atomic
from plateplug.metadata import PREFIX

CANDIDATES = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))
CALIBRATION_STEP = 3
Result = tuple[list[Detection], np.ndarray]  # one frame's detections and true boxes


@dataclass(frozen=True)
class Row:
    """Recall, precision and F1 at IoU 0.5 at one score threshold."""

    threshold: float
    recall: float
    precision: float
    f1: float


def calibration_samples(data: Path, scenes: Path | None) -> Iterator[Sample]:
    """The real train frames the threshold is chosen on."""
    frames = read_frames(Path(data) / "dashcam", "train")
    if scenes is not None:
        frames += read_frames(scenes, "train")
    for frame in frames[::CALIBRATION_STEP]:
        boxes = frame.box_array()
        yield Sample(frame.path.name, frame.read(), boxes, ("",) * len(boxes))


def detect_all(model: Path, samples: Iterable[Sample]) -> list[Result]:
    """The detections of the file ``model`` down to the lowest candidate threshold on each
    of ``samples``, with its true boxes."""
    detector = OnnxDetectorModel(Path(model).stem, Path(model)).load(device="cpu")
    detector.score_threshold = min(CANDIDATES)
    return [(detector(s.frame), s.boxes) for s in samples]


def threshold_table(results: Iterable[Result]) -> list[Row]:
    """One row per candidate threshold over ``results``."""
    results = list(results)
    rows = []
    for threshold in CANDIDATES:
        truths = found = matched = 0
        for detections, truth in results:
            kept = [d for d in detections if d.score >= threshold]
            truths, found = truths + len(truth), found + len(kept)
            matched += match_count(kept, truth)
        rows.append(Row(threshold, matched / max(truths, 1), matched / max(found, 1),
                        2 * matched / max(truths + found, 1)))
    return rows


def best_threshold(table: list[Row]) -> tuple[float, float]:
    """(threshold, F1) of the row with the best F1; the lowest such threshold on a tie."""
    best = max(table, key=lambda row: (row.f1, -row.threshold))
    return best.threshold, best.f1


def write_table(path: Path, table: list[Row]) -> None:
    """Save the table as CSV."""
    lines = ["threshold,recall,precision,f1"]
    lines += [f"{r.threshold},{r.recall:.4f},{r.precision:.4f},{r.f1:.4f}" for r in table]
    write_bytes_atomic(path, ("\n".join(lines) + "\n").encode())


def write_threshold(model: Path, threshold: float) -> None:
    """Set ``plateplug.score_threshold`` in the ONNX file's metadata (atomically)."""
    set_metadata(model, {"score_threshold": str(threshold)})


def set_metadata(model: Path, values: dict[str, str | None]) -> None:
    """Set, add or (value None) remove ``plateplug.<key>`` entries of the detector file
    ``model`` atomically; ModelFileError, and the file unchanged, when the result is not valid
    detector metadata."""
    proto = onnx.load(str(model))
    props = {entry.key: entry.value for entry in proto.metadata_props}
    for key, value in values.items():
        if value is None:
            props.pop(PREFIX + key, None)
        else:
            props[PREFIX + key] = value
    DetectorMetadata.from_props(props, str(model))
    del proto.metadata_props[:]
    for key, value in props.items():
        proto.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(proto)
    with atomic_path(model) as tmp:
        onnx.save(proto, str(tmp))
