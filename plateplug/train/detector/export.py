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
        architecture=f"PlateNet (CenterNet; neck {net.neck}, stride-16 stage {net.deep}"
                     + (f", stride-4 path {net.neck4})" if net.neck4 != net.neck else ")"),
        parameters=sum(p.numel() for p in net.parameters()), version=version,
        training_data=training_data,
    )


def export(net: PlateNet, path: Path, meta: DetectorMetadata) -> Path:
    """Write ``net`` (dynamic batch, height and width; opset 17) with ``meta`` to ``path``
    atomically."""
    w, h = meta.input_size
    return export_graph(Deployed(net).eval(), torch.zeros(1, 3, h, w), path, meta.to_props(),
                        outputs={"output": {0: "batch", 2: "rows", 3: "cols"}},
                        input_axes={0: "batch", 2: "height", 3: "width"})


def export_graph(module: torch.nn.Module, example: torch.Tensor, path: Path,
                 props: dict[str, str], outputs: dict[str, dict[int, str]],
                 input_axes: dict[int, str] | None = None) -> Path:
    """Write ``module`` (input ``image`` shaped like ``example``; ``input_axes`` dynamic,
    batch only by default; ``outputs`` names the outputs and their dynamic axes) with the
    metadata ``props`` to ``path`` atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # dynamo=False is deliberate
            torch.onnx.export(module, (example,), str(tmp), input_names=["image"],
                              output_names=list(outputs), opset_version=OPSET, dynamo=False,
                              dynamic_axes={"image": input_axes or {0: "batch"}, **outputs})
        model = onnx.load(str(tmp))
        for key, value in props.items():
            entry = model.metadata_props.add()
            entry.key, entry.value = key, value
        onnx.checker.check_model(model)
        onnx.save(model, str(tmp))
    return path
