"""Built-in plugin: the unet enhancer (weights: unet.onnx beside this file)."""

from importlib.resources import files
from pathlib import Path

from plateplug import OnnxModel, hookimpl


@hookimpl
def register_enhancers(register):
    register(OnnxModel(
        name="unet",
        path=Path(str(files(__name__) / "unet.onnx")),
        description="U-Net restoring a bicubic-enlarged crop (fastest)",
    ))
