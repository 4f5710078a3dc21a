"""plateplug: restore blurry, low-resolution licence-plate crops with pluggable enhancers.

>>> import plateplug
>>> enhancer = plateplug.load("resnet")          # CUDA when it really loads, else CPU
>>> big = enhancer(crop)                         # H x W x 3 uint8 BGR -> 4H x 4W x 3
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from plateplug import plugins
from plateplug.detect import Detection, Detector, DetectorModel, OnnxDetectorModel, load_detector
from plateplug.detect.metadata import DetectorMetadata
from plateplug.enhancer import Enhancer
from plateplug.errors import (
    DeviceUnavailableError,
    InvalidImageError,
    MissingExtraError,
    ModelFileError,
    ModelNotTrainedError,
    ModelOutputError,
    PlateplugError,
    PluginError,
    UnknownModelError,
)
from plateplug.hookspecs import hookimpl
from plateplug.metadata import ModelMetadata
from plateplug.models import (
    EnhancerModel,
    OnnxFileModel,
    OnnxModel,
    PluginModel,
    enhancers,
    load_enhancer,
)
from plateplug.multiframe import MultiFrameEnhancer, OnnxMultiFrameModel
from plateplug.pipeline import Pipeline
from plateplug.readers import Reader, ReaderModel, ScoredText, load_reader
from plateplug.routing import RoutedEnhancer, RoutedModel

try:
    __version__ = version("plateplug")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


def load(name: str, device: str = "auto", threads: int | None = None) -> Enhancer:
    """Load the enhancer registered as ``name`` on ``device`` ('auto', 'cpu' or 'cuda')."""
    return load_enhancer(name, device, threads)


def list_models() -> list[EnhancerModel]:
    """Every registered enhancer model, trained or not."""
    return [r.item for r in enhancers().values()]


__all__ = [
    "Detection", "Detector", "DetectorMetadata", "DetectorModel", "DeviceUnavailableError",
    "Enhancer", "EnhancerModel", "InvalidImageError", "MissingExtraError", "ModelFileError",
    "ModelMetadata", "ModelNotTrainedError", "ModelOutputError", "MultiFrameEnhancer",
    "OnnxDetectorModel", "OnnxFileModel", "OnnxModel", "OnnxMultiFrameModel", "Pipeline",
    "PlateplugError", "PluginError", "PluginModel", "Reader", "ReaderModel", "RoutedEnhancer",
    "RoutedModel", "ScoredText",
    "UnknownModelError", "__version__", "hookimpl", "list_models", "load", "load_detector",
    "load_reader", "plugins",
]
