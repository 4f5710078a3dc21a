"""Built-in plugin: the trained plate detector 'plateplug' (plate_detector.onnx beside this)."""

from importlib.resources import files
from pathlib import Path

from plateplug import OnnxDetectorModel, hookimpl


@hookimpl
def register_detectors(register):
    register(OnnxDetectorModel(
        name="plateplug",
        path=Path(str(files(__name__) / "plate_detector.onnx")),
        description="CenterNet-style single-class plate detector for CPUs (see docs/detector.md)",
    ))
