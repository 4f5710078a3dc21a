"""Install an exported detector (and the verifier it names) as the package's built-in
'plateplug' detector."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from plateplug.detect.onnx_detector import OnnxDetectorModel
from plateplug.imageio import atomic_path

PACKAGE = "plateplug.builtin_plugins.plate_detector"
FILENAME = "plate_detector.onnx"


def ship_model(exported: Path) -> Path:
    """Check that ``exported`` loads as a detector (with its verifier, if it names one), then
    copy the verifier and the detector into the package atomically, the detector last."""
    exported = Path(exported)
    verifier = OnnxDetectorModel("candidate", exported).load(device="cpu").metadata.verifier
    target = Path(str(files(PACKAGE) / FILENAME))
    if verifier:
        copy_atomic(exported.with_name(verifier), target.with_name(verifier))
    copy_atomic(exported, target)
    return target


def copy_atomic(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary file."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
