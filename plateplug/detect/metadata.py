"""The plateplug.* metadata of a detector ONNX file: everything inference needs to know.

The graph takes float32 ``N x 3 x H x W`` (``input_size`` = W,H; frames are letterboxed:
scaled to fit, padded right and bottom with ``pad_value``) normalised as
``(value / 255 - mean) / std`` in ``channel_order``, and returns ``N x 5 x H/s x W/s``
(``s = stride``) laid out as ``box_encoding`` says (see decode.py).

A frame is never enlarged more than ``max_upscale`` times (1.0, what new exports write: small
frames are padded, not enlarged; a file without the key, made before it existed, enlarges up
to LEGACY_MAX_UPSCALE times as it always did). When the graph's input height and width are
dynamic, each of ``scales`` is one pass on a canvas of ``input_size`` times that scale (rounded
to a multiple of 32); passes after the first keep only boxes at least ``scale_min_height``
pixels high in their own canvas (the very large plates the first pass misses); where boxes of
several passes overlap, the later pass's box is kept (it sees the whole of a plate the first
pass sees only part of). A graph with fixed dimensions runs the first pass only.

``verifier`` names an ONNX file beside the detector's (see verifier.py) that takes a second
look at every box of every pass, before the passes are merged; boxes it scores below
``verifier_threshold`` are dropped. Absent: none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from plateplug.metadata import (
    IF_ABSENT,
    UPPER_CASE,
    TaskMetadata,
    check_image_input,
    check_range,
    check_sibling,
)

MAX_CANVAS_SIDE = 4096  # input_size times the largest of scales
MAX_STRIDE = 64
MAX_DETECTIONS = 10_000
MAX_SCALES = 8
LEGACY_MAX_UPSCALE = 16.0  # files without plateplug.max_upscale: enlarged to fill the canvas


@dataclass(frozen=True)
class DetectorMetadata(TaskMetadata):
    """Input geometry, normalisation and output decoding of a detector graph."""

    TASK: ClassVar[str] = "detector"
    LABEL: ClassVar[str] = "detector"
    name: str
    input_size: tuple[int, int]
    stride: int
    box_encoding: str = "centernet"
    channel_order: str = field(default="BGR", metadata=UPPER_CASE)
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    pad_value: int = 114
    score_threshold: float = 0.3
    nms_iou: float = 0.4
    max_detections: int = 50
    scales: tuple[float, ...] = (1.0,)
    max_upscale: float = field(default=1.0, metadata={IF_ABSENT: LEGACY_MAX_UPSCALE})
    scale_min_height: int = 16
    verifier: str | None = None
    verifier_threshold: float | None = None
    architecture: str = ""
    parameters: int = 0
    version: str = "0"
    training_data: str = ""

    def __post_init__(self) -> None:
        """Bounds of every field (ValueError): ``stride`` 1..64 dividing both input sides,
        input sides times the largest scale at most 4096, 1..8 ``scales`` each 0.01..8,
        ``max_upscale`` 0.01..16, ``pad_value`` 0..255, ``score_threshold``, ``nms_iou`` and
        ``verifier_threshold`` 0..1, ``max_detections`` 1..10000, mean and std as for
        enhancers, ``verifier`` a file name without folders, with a threshold."""
        check_image_input(self)
        check_range("stride", self.stride, 1, MAX_STRIDE)
        check_range("number of scales", len(self.scales), 1, MAX_SCALES)
        for scale in self.scales:
            check_range("scales", scale, 0.01, 8.0)
        for side in self.input_size:
            check_range("input_size", side * max(self.scales), 1, MAX_CANVAS_SIDE)
            if side % self.stride:
                raise ValueError(f"input_size {self.input_size} is not a multiple of "
                                 f"stride {self.stride}")
        check_range("max_upscale", self.max_upscale, 0.01, 16.0)
        check_range("scale_min_height", self.scale_min_height, 0, MAX_CANVAS_SIDE)
        check_range("pad_value", self.pad_value, 0, 255)
        check_range("score_threshold", self.score_threshold, 0.0, 1.0)
        check_range("nms_iou", self.nms_iou, 0.0, 1.0)
        check_range("max_detections", self.max_detections, 1, MAX_DETECTIONS)
        if self.verifier is not None:
            check_sibling("verifier", self.verifier, "detector")
            if self.verifier_threshold is None:
                raise ValueError("a verifier needs its verifier_threshold")
        if self.verifier_threshold is not None:
            check_range("verifier_threshold", self.verifier_threshold, 0.0, 1.0)
