"""The baselines every model must beat, as Enhancers: interpolation and OpenCV dnn_superres.

FSRCNN, ESPCN and LapSRN x4 need an opencv-contrib build (``cv2.dnn_superres``) and the
``*_x4.pb`` files; without them they are skipped with a note saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from plateplug.data.protocol import SCALE
from plateplug.enhancer import Enhancer

INTERPOLATIONS = {"bicubic": cv2.INTER_CUBIC, "lanczos": cv2.INTER_LANCZOS4}
DNN_MODELS = {"fsrcnn": "FSRCNN", "espcn": "ESPCN", "lapsrn": "LapSRN"}


class InterpolationEnhancer(Enhancer):
    """Plain ``cv2.resize`` enlargement (bicubic, Lanczos): the floor every method must beat."""

    def __init__(self, name: str, scale: int = SCALE):
        super().__init__(name, scale, providers=("opencv",))
        self.interpolation = INTERPOLATIONS[name]

    def _run(self, batch: np.ndarray) -> np.ndarray:
        _, h, w, _ = batch.shape
        size = (w * self.scale, h * self.scale)
        return np.stack([cv2.resize(img, size, interpolation=self.interpolation)
                         for img in batch])


class DnnSuperresEnhancer(Enhancer):
    """A pretrained generic SR network run by ``cv2.dnn_superres`` (opencv-contrib)."""

    def __init__(self, name: str, path: Path, scale: int = SCALE):
        super().__init__(name, scale, providers=("opencv-dnn",))
        self.path = path
        opencv: Any = cv2  # dnn_superres is in opencv-contrib builds, not in the main wheel's stubs
        self._sr = opencv.dnn_superres.DnnSuperResImpl_create()
        self._sr.readModel(str(path))
        self._sr.setModel(name, scale)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return np.stack([self._sr.upsample(np.ascontiguousarray(img)) for img in batch])


@dataclass
class Baseline:
    """A ready baseline enhancer and the facts the report lists for it."""

    enhancer: Enhancer
    info: dict[str, Any] = field(default_factory=dict)


def load_baselines(baselines_dir: Path | None) -> tuple[list[Baseline], list[str]]:
    """Bicubic and Lanczos always; FSRCNN/ESPCN/LapSRN when possible. Returns (baselines, notes)."""
    found = [Baseline(InterpolationEnhancer(name), {"parameters": 0})
             for name in INTERPOLATIONS]
    if baselines_dir is None:
        return found, ["FSRCNN/ESPCN/LapSRN x4 skipped: no --baselines folder given"]
    if not hasattr(cv2, "dnn_superres"):
        return found, [f"FSRCNN/ESPCN/LapSRN x4 skipped: this OpenCV ({cv2.__version__}) has "
                       "no cv2.dnn_superres; install opencv-contrib-python-headless instead "
                       "of opencv-python-headless"]
    notes = []
    for name, stem in DNN_MODELS.items():
        path = Path(baselines_dir) / f"{stem}_x{SCALE}.pb"
        if not path.is_file():
            notes.append(f"{stem} x{SCALE} skipped: {path} does not exist")
            continue
        try:
            enhancer = DnnSuperresEnhancer(name, path)
        except cv2.error as exc:
            notes.append(f"{stem} x{SCALE} skipped: OpenCV cannot load {path}: {exc}")
            continue
        found.append(Baseline(enhancer, {"file_size": path.stat().st_size}))
    return found, notes
