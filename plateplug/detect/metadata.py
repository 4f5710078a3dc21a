"""The plateplug.* metadata of a detector ONNX file: everything inference needs to know.

The graph takes float32 ``N x 3 x H x W`` (``input_size`` = W,H; frames are letterboxed:
scaled to fit, padded right and bottom with ``pad_value``) normalised as
``(value / 255 - mean) / std`` in ``channel_order``, and returns ``N x 5 x H/s x W/s``
(``s = stride``) laid out as ``box_encoding`` says (see decode.py).

A frame is never enlarged more than ``max_upscale`` times (1.0: small frames are padded, not
enlarged). When the graph's input height and width are dynamic, each of ``scales`` is one pass
on a canvas of ``input_size`` times that scale (rounded to a multiple of 32); passes after the
first keep only boxes at least ``scale_min_height`` pixels high in their own canvas (the very
large plates the first pass misses); a graph with fixed dimensions runs the first pass only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from plateplug.errors import ModelFileError
from plateplug.metadata import PREFIX, parse_triple

TASK = "detector"


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
                max_upscale=float(ours.get("max_upscale", "1.0")),
                scale_min_height=int(ours.get("scale_min_height", "16")),
                architecture=ours.get("architecture", ""),
                parameters=int(ours.get("parameters", "0")),
                version=ours.get("version", "0"), training_data=ours.get("training_data", ""),
            )
        except (KeyError, ValueError) as exc:
            raise ModelFileError(f"{source} has invalid detector metadata: {exc!r}") from exc
        if (meta.stride < 1 or w % meta.stride or h % meta.stride
                or meta.channel_order not in ("RGB", "BGR")
                or min(meta.scales) <= 0 or meta.max_upscale <= 0):
            raise ModelFileError(f"{source} has invalid detector metadata: {ours}")
        return meta

