"""Built-in plugin: OpenCV's Haar cascade for (Russian) plates, where OpenCV still has one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from plateplug import hookimpl
from plateplug.detect import Detection, Detector, DetectorModel
from plateplug.errors import ModelFileError, PlateplugError

CASCADE = "haarcascade_russian_plate_number.xml"


class HaarDetector(Detector):
    """``cv2.CascadeClassifier.detectMultiScale``; score = neighbour support, squashed to 0..1."""

    def __init__(self, cascade: Any, min_neighbors: int = 3):
        super().__init__("haar")
        self.cascade = cascade
        self.min_neighbors = min_neighbors

    def _detect(self, frame: np.ndarray) -> list[Detection]:
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        boxes, _, weights = self.cascade.detectMultiScale3(
            grey, scaleFactor=1.1, minNeighbors=self.min_neighbors, minSize=(15, 5),
            outputRejectLevels=True)
        return [Detection((int(x), int(y), int(x + w), int(y + h)),
                          float(1.0 - np.exp(-max(float(s), 0.0))))
                for (x, y, w, h), s in zip(boxes, np.ravel(weights))]


class HaarModel(DetectorModel):
    """OpenCV's ``haarcascade_russian_plate_number.xml`` (needs cv2.CascadeClassifier)."""

    name = "haar"
    description = "OpenCV Haar cascade for Russian plates (baseline; needs opencv-contrib or <5)"

    def _path(self) -> Path | None:
        folder = getattr(getattr(cv2, "data", None), "haarcascades", "")
        return Path(folder) / CASCADE if folder else None

    def unavailable_reason(self) -> str | None:
        if not hasattr(cv2, "CascadeClassifier"):
            return (f"OpenCV {cv2.__version__} has no cv2.CascadeClassifier (OpenCV 5's main "
                    "wheel dropped it): install opencv-contrib-python-headless or opencv<5")
        path = self._path()
        if path is None or not path.is_file():
            return f"OpenCV's {CASCADE} is not installed with this OpenCV"
        return None

    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        reason = self.unavailable_reason()
        if reason:
            raise PlateplugError(f"detector 'haar' is unavailable: {reason}")
        opencv: Any = cv2  # OpenCV 5's main wheel and its type stubs lack CascadeClassifier
        cascade = opencv.CascadeClassifier(str(self._path()))
        if cascade.empty():
            raise ModelFileError(f"cannot load {self._path()}")
        return HaarDetector(cascade)


@hookimpl
def register_detectors(register):
    register(HaarModel())
