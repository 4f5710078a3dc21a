"""The plate verifier: a second look at each box a detector proposes.

A small classifier sees the box with its surroundings (``context_crop``: the box widened to
``context`` times its size at the input's aspect, resized to ``input_size``) and returns the
probability that it holds a plate. A detector file that names a verifier
(``plateplug.verifier``, a file beside it) keeps only the boxes scoring at least its
``plateplug.verifier_threshold``: the verifier rejects much of the lettering, signs and lamps
the detector alone takes for plates (docs/detector.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np

from plateplug import runtime
from plateplug.images import to_blob
from plateplug.metadata import (
    UPPER_CASE,
    TaskMetadata,
    check_image_input,
    check_range,
)

CROP_SIZE = (96, 32)  # W, H
CONTEXT = 1.5
MAX_CROP_SIDE = 512


@dataclass(frozen=True)
class VerifierMetadata(TaskMetadata):
    """Input geometry and normalisation of a verifier graph: float32 N x 3 x H x W in,
    N x 1 plate probabilities out."""

    TASK: ClassVar[str] = "verifier"
    LABEL: ClassVar[str] = "verifier"
    name: str
    input_size: tuple[int, int] = CROP_SIZE
    context: float = CONTEXT
    channel_order: str = field(default="BGR", metadata=UPPER_CASE)
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    architecture: str = ""
    parameters: int = 0
    version: str = "0"
    training_data: str = ""

    def __post_init__(self) -> None:
        """Bounds (ValueError): input sides 1..512, ``context`` 1..8, mean and std as for
        enhancers."""
        check_image_input(self)
        for side in self.input_size:
            check_range("input_size", side, 1, MAX_CROP_SIDE)
        check_range("context", self.context, 1.0, 8.0)


def context_crop(frame: np.ndarray, box: np.ndarray | tuple[float, ...],
                 size: tuple[int, int] = CROP_SIZE, context: float = CONTEXT) -> np.ndarray:
    """The box (x1, y1, x2, y2) of ``frame`` with its surroundings, ``size`` (W, H) uint8.

    The window is centred on the box, ``context`` times as wide as the box or as tall, at the
    aspect of ``size`` (whichever covers more); parts outside the frame repeat its edge.
    """
    w, h = size
    x1, y1, x2, y2 = (float(v) for v in box)
    width = max((x2 - x1) * context, (y2 - y1) * context * w / h, 2.0)
    height = width * h / w
    left, top = (x1 + x2 - width) / 2, (y1 + y2 - height) / 2
    ix1, iy1 = math.floor(left), math.floor(top)
    ix2, iy2 = math.ceil(left + width), math.ceil(top + height)
    fh, fw = frame.shape[:2]
    region = frame[max(iy1, 0):min(iy2, fh), max(ix1, 0):min(ix2, fw)]
    if region.size == 0:
        return np.zeros((h, w, 3), np.uint8)
    pads = (max(-iy1, 0), max(iy2 - fh, 0), max(-ix1, 0), max(ix2 - fw, 0))
    if any(pads):
        region = cv2.copyMakeBorder(region, *pads, cv2.BORDER_REPLICATE)
    shrink = region.shape[1] > w
    return cv2.resize(region, (w, h), interpolation=cv2.INTER_AREA if shrink
                      else cv2.INTER_LINEAR)


class Verifier:
    """Runs a verifier graph: ``verifier(frame, boxes)`` -> plate probability of each box."""

    def __init__(self, session: Any, meta: VerifierMetadata):
        self.session, self.metadata = session, meta
        self._input = session.get_inputs()[0].name

    def __call__(self, frame: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        meta = self.metadata
        if len(boxes) == 0:
            return np.zeros(0, np.float32)
        crops = [context_crop(frame, box, meta.input_size, meta.context) for box in boxes]
        x = to_blob(crops, meta.mean, meta.std, meta.channel_order == "RGB")
        return np.asarray(self.session.run(None, {self._input: x})[0], np.float32).reshape(-1)


def load_verifier(path: Path, device: str = "auto", threads: int | None = None) -> Verifier:
    """The verifier in ONNX file ``path``; ModelFileError when it is not one."""
    session = runtime.session(Path(path), device, threads)
    return Verifier(session, runtime.metadata_of(session, path, VerifierMetadata))
