"""Export a trained PlateNet to ONNX with plateplug detector metadata."""

from __future__ import annotations

import warnings
from pathlib import Path

import onnx
import torch

from plateplug.detect.metadata import DetectorMetadata
from plateplug.imageio import atomic_path
from plateplug.train.archs.platenet_arch import (
    CHANNEL_ORDER,
    INPUT_SIZE,
    MEAN,
    SCALES,
    STD,
    STRIDE,
    Deployed,
    PlateNet,
)

OPSET = 17


def metadata(net: PlateNet, version: str, training_data: str) -> DetectorMetadata:
    """The metadata the runtime needs to feed and decode ``net``."""
    return DetectorMetadata(
        name="plateplug", input_size=INPUT_SIZE, stride=STRIDE, box_encoding="centernet",
        channel_order=CHANNEL_ORDER, mean=MEAN, std=STD, scales=SCALES,
        architecture="PlateNet (CenterNet)",
        parameters=sum(p.numel() for p in net.parameters()), version=version,
        training_data=training_data,
    )


def export(net: PlateNet, path: Path, meta: DetectorMetadata) -> Path:
    """Write ``net`` (dynamic batch, height and width; opset 17) with ``meta`` to ``path``
    atomically."""
    path = Path(path)
    deployed = Deployed(net).eval()
    w, h = meta.input_size
    with atomic_path(path) as tmp:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # dynamo=False is deliberate
            torch.onnx.export(deployed, (torch.zeros(1, 3, h, w),), str(tmp),
                              input_names=["image"], output_names=["output"],
                              opset_version=OPSET, dynamo=False,
                              dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"},
                                            "output": {0: "batch", 2: "rows", 3: "cols"}})
        model = onnx.load(str(tmp))
        for key, value in meta.to_props().items():
            entry = model.metadata_props.add()
            entry.key, entry.value = key, value
        onnx.checker.check_model(model)
        onnx.save(model, str(tmp))
    return path
