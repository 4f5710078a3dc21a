"""Single-class YOLOv8/v11 ONNX detectors as exported by ultralytics (``yolo:PATH``).

The frame is letterboxed, centred, into the model's square input (640 unless the file says
otherwise; enlarged if small, grey 114 padding), RGB 0..1 in the input's float type. The
first output is ``1 x (4 + 1 + extra) x N``: box centre x, y, width, height in input pixels,
the plate score, then anything else (segmentation mask coefficients), which is ignored.
Boxes scoring above SCORE_THRESHOLD (``detector.score_threshold``) go through NMS at
NMS_IOU.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from plateplug import runtime
from plateplug.detect.decode import letterbox, nms
from plateplug.detect.detection import Detection
from plateplug.detect.detector import Detector, DetectorModel
from plateplug.detect.onnx_detector import to_detections
from plateplug.errors import ModelFileError, PlateplugError
from plateplug.images import to_blob

DEFAULT_SIZE = 640
PAD_VALUE = 114
SCORE_THRESHOLD = 0.25
NMS_IOU = 0.5
MAX_DETECTIONS = 100
MAX_CANDIDATES = 1000  # best-scoring boxes that go into NMS (its cost grows as their square)


@dataclass
class YoloModel(DetectorModel):
    """A YOLOv8/v11 plate model file; ``path`` None until given (``yolo:PATH``)."""

    name: str = "yolo"
    path: Path | None = None
    description: str = ("any single-class YOLOv8/v11 ONNX exported by ultralytics "
                        "(--detector yolo:PATH)")

    def unavailable_reason(self) -> str | None:
        if self.path is None:
            return ("needs a model file: --detector yolo:PATH, or "
                    "load_detector('yolo', path=...)")
        return None

    def with_path(self, path: str | Path) -> DetectorModel:
        return dataclasses.replace(self, path=Path(path))

    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        if self.path is None:
            raise PlateplugError(f"detector {self.name!r} {self.unavailable_reason()}")
        return YoloDetector(runtime.session(self.path, device, threads), self.name,
                            str(self.path))


class YoloDetector(Detector):
    """Runs an ultralytics single-class detection or segmentation export."""

    def __init__(self, session: Any, name: str = "yolo", source: str = "model"):
        super().__init__(name, providers=session.get_providers())
        props = session.get_modelmeta().custom_metadata_map
        check_single_class(props, source)
        graph_input = session.get_inputs()[0]
        output = session.get_outputs()[0]
        if len(graph_input.shape) != 4 or len(output.shape) != 3:
            raise ModelFileError(f"{source} is not a YOLO detection export: input "
                                 f"{graph_input.shape}, output {output.shape}")
        if isinstance(output.shape[1], int) and output.shape[1] < 5:
            raise ModelFileError(f"{source}: output {output.shape} has no score row")
        self.session = session
        self.size = input_size(graph_input.shape, props)
        self.dtype = np.float16 if graph_input.type == "tensor(float16)" else np.float32
        self.score_threshold = SCORE_THRESHOLD
        self._input, self._output = graph_input.name, output.name

    def _detect(self, frame: np.ndarray) -> list[Detection]:
        canvas, scale, (dx, dy) = letterbox(frame, self.size, PAD_VALUE, float("inf"),
                                            centre=True, interpolation=cv2.INTER_LINEAR)
        x = to_blob([canvas], (0.0, 0.0, 0.0), (1.0, 1.0, 1.0), rgb=True).astype(self.dtype)
        rows = self.session.run([self._output], {self._input: x})[0][0].astype(np.float32)
        keep = np.flatnonzero(rows[4] > self.score_threshold)
        keep = keep[np.argsort(-rows[4, keep], kind="stable")[:MAX_CANDIDATES]]
        cx, cy, w, h = rows[:4, keep]
        scores = rows[4, keep]
        boxes = np.stack([cx - w / 2 - dx, cy - h / 2 - dy, cx + w / 2 - dx, cy + h / 2 - dy],
                         axis=1) / scale
        if len(boxes):
            order = nms(boxes, scores, NMS_IOU)[:MAX_DETECTIONS]
            boxes, scores = boxes[order], scores[order]
        return to_detections(boxes, scores, frame.shape[1], frame.shape[0])


def check_single_class(props: dict[str, str], source: str) -> None:
    """Raise ModelFileError unless the ultralytics metadata (when present) says one class
    and raw (not end-to-end) outputs."""
    if props.get("end2end", "False") == "True":
        raise ModelFileError(f"{source} is an end-to-end export; export it with "
                             "end2end=False (raw boxes and scores)")
    try:
        names = ast.literal_eval(props.get("names", "{0: 'plate'}"))
        count = len(names)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise ModelFileError(f"{source}: unreadable class names {props['names']!r}") from exc
    if count != 1:
        raise ModelFileError(f"{source} has {count} classes ({names}); the yolo "
                             "detector takes single-class plate models")


def input_size(shape: list[Any], props: dict[str, str]) -> tuple[int, int]:
    """(W, H) of the model input: its fixed dimensions, else ultralytics' ``imgsz``, else
    640 x 640."""
    if isinstance(shape[2], int) and isinstance(shape[3], int):
        return shape[3], shape[2]
    try:
        h, w = ast.literal_eval(props.get("imgsz", str([DEFAULT_SIZE, DEFAULT_SIZE])))
        return int(w), int(h)
    except (ValueError, SyntaxError, TypeError):
        return DEFAULT_SIZE, DEFAULT_SIZE
