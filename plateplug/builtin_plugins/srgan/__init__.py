"""Built-in plugin: the srgan enhancer (weights: srgan.onnx beside this file)."""

from importlib.resources import files
from pathlib import Path

from plateplug import OnnxModel, hookimpl


@hookimpl
def register_enhancers(register):
    register(OnnxModel(
        name="srgan",
        path=Path(str(files(__name__) / "srgan.onnx")),
        description=(
            "SRGAN: the resnet generator fine-tuned with a text-aware perceptual "
            "and adversarial loss (sharpest)"
        ),
    ))
