"""Built-in plugin: the unet enhancer and its int8 copy (weights: unet.onnx and
unet-int8.onnx beside this file)."""

from importlib.resources import files
from pathlib import Path

from plateplug import OnnxModel, hookimpl


@hookimpl
def register_enhancers(register):
    model = OnnxModel(
        name="unet",
        path=Path(str(files(__name__) / "unet.onnx")),
        description="U-Net restoring a bicubic-enlarged crop (fastest)",
    )
    register(model)
    register(model.int8())
