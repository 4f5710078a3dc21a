"""Install an exported detector as the package's built-in 'plateplug' detector."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from plateplug.detect.onnx_detector import OnnxDetector
from plateplug.imageio import atomic_path
from plateplug.runtime import session

PACKAGE = "plateplug.builtin_plugins.plate_detector"
FILENAME = "plate_detector.onnx"


def ship_model(exported: Path) -> Path:
    """Check that ``exported`` loads as a detector, then copy it into the package atomically."""
    OnnxDetector(session(Path(exported), "cpu"), str(exported))
    target = Path(str(files(PACKAGE) / FILENAME))
    with atomic_path(target) as tmp:
        shutil.copyfile(exported, tmp)
    return target
