"""Built-in plugin: the resnet enhancer and its int8 copy (weights: resnet.onnx and
resnet-int8.onnx beside this file)."""

from importlib.resources import files
from pathlib import Path

from plateplug import OnnxModel, hookimpl


@hookimpl
def register_enhancers(register):
    model = OnnxModel(
        name="resnet",
        path=Path(str(files(__name__) / "resnet.onnx")),
        description="16 residual blocks, pixel-shuffle x4, pixel + OCR-teacher loss (highest PSNR)",
    )
    register(model)
    register(model.int8())
