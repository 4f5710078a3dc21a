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
pixels high in their own canvas (the very large plates the first pass misses); a graph with
fixed dimensions runs the first pass only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from plateplug.errors import ModelFileError
from plateplug.metadata import (
    PREFIX,
    check_channel_order,
    check_name,
    check_normalisation,
    check_range,
    parse_triple,
)

TASK = "detector"
MAX_CANVAS_SIDE = 4096  # input_size times the largest of scales
MAX_STRIDE = 64
MAX_DETECTIONS = 10_000
MAX_SCALES = 8
LEGACY_MAX_UPSCALE = 16.0  # files without plateplug.max_upscale: enlarged to fill the canvas


@dataclass(frozen=True)
class DetectorMetadata:
    """Input geometry, normalisation and output decoding of a detector graph."""

    name: str
    input_size: tuple[int, int]
    stride: int
    box_encoding: str = "centernet"
    channel_order: str = "BGR"
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    pad_value: int = 114
    score_threshold: float = 0.3
    nms_iou: float = 0.4
    max_detections: int = 50
    scales: tuple[float, ...] = (1.0,)
    max_upscale: float = 1.0
    scale_min_height: int = 16
    architecture: str = ""
    parameters: int = 0
    version: str = "0"
    training_data: str = ""

    def __post_init__(self) -> None:
        """Bounds of every field (ValueError): ``stride`` 1..64 dividing both input sides,
        input sides times the largest scale at most 4096, 1..8 ``scales`` each 0.01..8,
        ``max_upscale`` 0.01..16, ``pad_value`` 0..255, ``score_threshold`` and ``nms_iou``
        0..1, ``max_detections`` 1..10000, mean and std as for enhancers."""
        check_name(self.name)
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
        check_channel_order(self.channel_order)
        check_normalisation(self.mean, self.std)
        check_range("pad_value", self.pad_value, 0, 255)
        check_range("score_threshold", self.score_threshold, 0.0, 1.0)
        check_range("nms_iou", self.nms_iou, 0.0, 1.0)
        check_range("max_detections", self.max_detections, 1, MAX_DETECTIONS)
        check_range("parameters", self.parameters, 0, float("inf"))

    def to_props(self) -> dict[str, str]:
        """Flatten to the string key/value pairs stored in ``metadata_props``."""
        props = {PREFIX + "task": TASK}
        for key, value in asdict(self).items():
            if isinstance(value, tuple):
                value = ",".join(str(v) for v in value)
            props[PREFIX + key] = str(value)
        return props

    @classmethod
    def from_props(cls, props: dict[str, str], source: str = "model") -> DetectorMetadata:
        """Parse ``metadata_props``; raise ModelFileError naming ``source`` when invalid."""
        ours = {k[len(PREFIX):]: v for k, v in props.items() if k.startswith(PREFIX)}
        if ours.get("task") != TASK:
            raise ModelFileError(f"{source} is not a plateplug detector (no plateplug.task)")
        try:
            w, h = (int(v) for v in ours["input_size"].split(","))
            meta = cls(
                name=ours["name"], input_size=(w, h), stride=int(ours["stride"]),
                box_encoding=ours.get("box_encoding", "centernet"),
                channel_order=ours.get("channel_order", "BGR").upper(),
                mean=parse_triple(ours.get("mean", "0,0,0")),
                std=parse_triple(ours.get("std", "1,1,1")),
                pad_value=int(ours.get("pad_value", "114")),
                score_threshold=float(ours.get("score_threshold", "0.3")),
                nms_iou=float(ours.get("nms_iou", "0.4")),
                max_detections=int(ours.get("max_detections", "50")),
                scales=tuple(float(v) for v in ours.get("scales", "1.0").split(",")),
                max_upscale=float(ours.get("max_upscale", LEGACY_MAX_UPSCALE)),
                scale_min_height=int(ours.get("scale_min_height", "16")),
                architecture=ours.get("architecture", ""),
                parameters=int(ours.get("parameters", "0")),
                version=ours.get("version", "0"), training_data=ours.get("training_data", ""),
            )
        except (KeyError, ValueError) as exc:
            raise ModelFileError(f"{source} has invalid detector metadata: {exc!r}") from exc
        return meta

