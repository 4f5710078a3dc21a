"""Built-in plugin: the resnet enhancer and its int8 copy, routed (``plateplug.routing``):
the gate in resnet-router.onnx sends each crop it judges a sharp shrink to resnet-sharp.onnx
(trained on sharp input only) and every other crop to resnet.onnx; the int8 copy routes
between resnet-sharp-int8.onnx and resnet-int8.onnx. All files beside this one."""

from importlib.resources import files
from pathlib import Path

from plateplug import RoutedModel, hookimpl


@hookimpl
def register_enhancers(register):
    model = RoutedModel(
        name="resnet",
        path=Path(str(files(__name__) / "resnet-router.onnx")),
        description="16 residual blocks, pixel-shuffle x4, pixel + OCR-teacher loss (highest "
                    "PSNR); sharp crops go to weights trained on sharp input",
    )
    register(model)
    register(model.int8())
