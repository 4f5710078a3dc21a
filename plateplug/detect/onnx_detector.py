"""The ONNX-backed detector: letterbox, run the graph, decode; all settings from metadata."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from plateplug import runtime
from plateplug.detect.decode import ENCODINGS, decode_centernet, letterbox
from plateplug.detect.detection import Detection
from plateplug.detect.detector import Detector, DetectorModel
from plateplug.detect.metadata import DetectorMetadata
from plateplug.errors import ModelFileError, ModelNotTrainedError
from plateplug.images import to_blob
from plateplug.models import missing_weights


@dataclass
class OnnxDetectorModel(DetectorModel):
    """A detector shipped as an ONNX file with plateplug detector metadata."""

    name: str
    path: Path
    description: str = ""

    def unavailable_reason(self) -> str | None:
        return missing_weights(self.path)

    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        reason = self.unavailable_reason()
        if reason:
            raise ModelNotTrainedError(f"detector {self.name!r} is {reason}")
        return OnnxDetector(runtime.session(Path(self.path), device, threads), str(self.path))


class OnnxDetector(Detector):
    """Runs a detector graph; input size, normalisation and decoding come from its metadata."""

    def __init__(self, session: Any, source: str = "model"):
        props = session.get_modelmeta().custom_metadata_map
        meta = DetectorMetadata.from_props(props, source=source)
        if meta.box_encoding not in ENCODINGS:
            raise ModelFileError(f"{source}: unknown box encoding {meta.box_encoding!r}")
        super().__init__(meta.name, providers=session.get_providers())
        self.session = session
        self.metadata = meta
        self.score_threshold = meta.score_threshold
        self._input = session.get_inputs()[0].name

    def preprocess(self, canvas: np.ndarray) -> np.ndarray:
        """A letterboxed BGR uint8 canvas -> the 1 x 3 x H x W float32 input tensor."""
        meta = self.metadata
        return to_blob([canvas], meta.mean, meta.std, meta.channel_order == "RGB")

    def _detect(self, frame: np.ndarray) -> list[Detection]:
        meta = self.metadata
        canvas, scale = letterbox(frame, meta.input_size, meta.pad_value)
        x = self.preprocess(canvas)
        output = self.session.run(None, {self._input: x})[0][0]
        boxes, scores = decode_centernet(output, meta.stride, self.score_threshold,
                                         meta.max_detections, meta.nms_iou)
        return to_detections(boxes / scale, scores, frame.shape[1], frame.shape[0])


def to_detections(boxes: np.ndarray, scores: np.ndarray, width: int,
                  height: int) -> list[Detection]:
    """Round boxes to integer pixels clipped to the frame; drop the empty ones."""
    found = []
    for box, score in zip(boxes, scores):
        x1, x2 = (int(np.clip(round(float(v)), 0, width)) for v in (box[0], box[2]))
        y1, y2 = (int(np.clip(round(float(v)), 0, height)) for v in (box[1], box[3]))
        if x2 > x1 and y2 > y1:
            found.append(Detection((x1, y1, x2, y2), float(np.clip(score, 0.0, 1.0))))
    return found
