"""Built-in plugin: the resnet enhancer (weights: resnet.onnx beside this file)."""

from importlib.resources import files
from pathlib import Path

from plateplug import OnnxModel, hookimpl


@hookimpl
def register_enhancers(register):
    register(OnnxModel(
        name="resnet",
        path=Path(str(files(__name__) / "resnet.onnx")),
        description="16 residual blocks, pixel-shuffle x4, trained on pixel loss (highest PSNR)",
    ))
