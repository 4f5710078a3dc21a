"""Built-in plugin: the mfsr multi-frame enhancer (weights: mfsr.onnx beside this file)."""

from importlib.resources import files
from pathlib import Path

from plateplug import hookimpl
from plateplug.multiframe import OnnxMultiFrameModel


@hookimpl
def register_enhancers(register):
    register(OnnxMultiFrameModel(
        name="mfsr",
        path=Path(str(files(__name__) / "mfsr.onnx")),
        description=(
            "multi-frame: fuses a track's 5 newest crops (registered sub-pixel) into one x4 "
            "crop; one crop alone works like a single-frame enhancer"
        ),
    ))
