"""The ONNX-backed detector: letterbox, run the graph, decode; all settings from metadata.

A graph with dynamic input height and width runs one pass per metadata scale (see
``plateplug.detect.metadata``) on a canvas trimmed to the letterboxed frame; the boxes of all
passes are merged by NMS, then checked by the file's verifier when it names one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from plateplug import runtime
from plateplug.detect.decode import ENCODINGS, decode_centernet, fit, nms
from plateplug.detect.detection import Detection
from plateplug.detect.detector import Detector, DetectorModel
from plateplug.detect.metadata import DetectorMetadata
from plateplug.detect.verifier import Verifier, load_verifier
from plateplug.errors import ModelFileError
from plateplug.images import canvas_blob
from plateplug.models import OnnxFileModel

CANVAS_MULTIPLE = 32  # canvases of extra scales and trimmed canvases: multiples of this


class OnnxDetectorModel(OnnxFileModel["OnnxDetector", DetectorMetadata], DetectorModel):
    """A detector shipped as an ONNX file with plateplug detector metadata."""

    schema = DetectorMetadata

    def load(self, device: str = "auto", threads: int | None = None) -> OnnxDetector:
        """The detector, with the verifier its metadata names (a file beside it) loaded on
        the same device."""
        detector = super().load(device, threads)
        if detector.metadata.verifier:
            detector.verifier = load_verifier(Path(self.path).with_name(
                detector.metadata.verifier), device, threads)
        return detector

    def _build(self, session: Any, meta: DetectorMetadata) -> OnnxDetector:
        return OnnxDetector(session, str(self.path), meta)


class OnnxDetector(Detector):
    """Runs a detector graph; input size, normalisation and decoding come from its metadata
    (``meta``, else read from the session; ``source`` names the file in errors). With a
    ``verifier``, only the boxes it scores at least ``metadata.verifier_threshold`` are kept
    (None: every box above the score threshold)."""

    def __init__(self, session: Any, source: str = "model",
                 meta: DetectorMetadata | None = None, verifier: Verifier | None = None):
        if meta is None:
            meta = runtime.metadata_of(session, source, DetectorMetadata)
        if meta.box_encoding not in ENCODINGS:
            raise ModelFileError(f"{source}: unknown box encoding {meta.box_encoding!r}")
        super().__init__(meta.name, providers=session.get_providers())
        self.session = session
        self.metadata = meta
        self.score_threshold = meta.score_threshold
        self.verifier = verifier
        graph_input = session.get_inputs()[0]
        self._input = graph_input.name
        self.dynamic = not all(isinstance(d, int) for d in graph_input.shape[2:])
        self.multiple = math.lcm(CANVAS_MULTIPLE, meta.stride)

    def preprocess(self, image: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
        """A scaled BGR uint8 frame -> the 1 x 3 x H x W float32 input tensor of the ``size``
        (W, H; default: the image's) canvas holding it at the top-left, padded with the
        metadata's pad value."""
        meta = self.metadata
        size = size or (image.shape[1], image.shape[0])
        return canvas_blob(image, size, meta.pad_value, meta.mean, meta.std,
                           meta.channel_order == "RGB")

    def canvases(self) -> list[tuple[int, int]]:
        """The (W, H) canvas of each pass: ``input_size`` times each metadata scale with
        dynamic input dimensions, else ``input_size`` alone."""
        meta = self.metadata
        if not self.dynamic:
            return [meta.input_size]
        return [scaled_size(meta.input_size, s, self.multiple) for s in meta.scales]

    def _detect(self, frame: np.ndarray) -> list[Detection]:
        meta = self.metadata
        all_boxes, all_scores, passes = [], [], []
        image, image_scale = frame, 1.0  # extra passes shrink the first pass's image
        for index, size in enumerate(self.canvases()):
            scaled, scale = fit(image, size, meta.max_upscale / image_scale)
            scale *= image_scale
            if index == 0 and scale < 1:
                image, image_scale = scaled, scale
            if self.dynamic:  # the canvas trimmed to the scaled frame
                size = (min(size[0], round_up(frame.shape[1] * scale, self.multiple)),
                        min(size[1], round_up(frame.shape[0] * scale, self.multiple)))
            output = self.session.run(None, {self._input: self.preprocess(scaled, size)})[0][0]
            boxes, scores = decode_centernet(output, meta.stride, self.score_threshold,
                                             meta.max_detections, meta.nms_iou)
            if index:  # extra passes: only the large plates the first pass may miss
                large = boxes[:, 3] - boxes[:, 1] >= meta.scale_min_height
                boxes, scores = boxes[large], scores[large]
            all_boxes.append(boxes / scale)
            all_scores.append(scores)
            passes.append(np.full(len(scores), index))
        boxes, scores = np.concatenate(all_boxes), np.concatenate(all_scores)
        order = np.concatenate(passes)
        if self.verifier is not None and len(boxes):  # before the merge: a rejected box
            kept = self.verifier(frame, boxes) >= (meta.verifier_threshold or 0.0)  # hides none
            boxes, scores, order = boxes[kept], scores[kept], order[kept]
        if len(all_boxes) > 1 and len(boxes):
            # a later pass's box outranks every earlier one it overlaps (scores are at most 1):
            # on a plate large enough for it, the first pass often sees only part of the plate
            keep = nms(boxes, scores + 2.0 * order, meta.nms_iou)[:meta.max_detections]
            boxes, scores = boxes[keep], scores[keep]
        return to_detections(boxes, scores, frame.shape[1], frame.shape[0])


def round_up(value: float, multiple: int) -> int:
    """The smallest multiple of ``multiple`` at least ``value`` (and at least ``multiple``)."""
    return max(multiple, math.ceil(round(value, 6) / multiple) * multiple)


def scaled_size(size: tuple[int, int], scale: float, multiple: int) -> tuple[int, int]:
    """``size`` (W, H) times ``scale``, each side rounded to a multiple of ``multiple``;
    ``size`` itself at scale 1."""
    if scale == 1:
        return size
    w, h = (max(multiple, round(v * scale / multiple) * multiple) for v in size)
    return w, h


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
