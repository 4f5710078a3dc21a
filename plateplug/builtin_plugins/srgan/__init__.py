"""Built-in plugin: the srgan enhancer and its int8 copy (weights: srgan.onnx and
srgan-int8.onnx beside this file)."""

from importlib.resources import files
from pathlib import Path

from plateplug import OnnxModel, hookimpl


@hookimpl
def register_enhancers(register):
    model = OnnxModel(
        name="srgan",
        path=Path(str(files(__name__) / "srgan.onnx")),
        description=(
            "SRGAN: the resnet generator fine-tuned with a text-aware perceptual "
            "and adversarial loss (sharpest)"
        ),
    )
    register(model)
    register(model.int8())
