"""The Detector (frame in, plate boxes out) and the DetectorModel that plugins register."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np

from plateplug.detect.detection import Detection
from plateplug.images import to_bgr
from plateplug.models import PluginModel


class Detector(ABC):
    """Finds licence plates: ``detector(frame)`` -> list of Detection, best first.

    ``frame`` is H x W x 3 uint8 BGR (grey H x W and BGRA are accepted too); boxes are in
    its pixel coordinates, clipped to the frame.
    """

    def __init__(self, name: str, providers: Sequence[str] = ("python",)):
        self.name = name
        self.providers = list(providers)

    @abstractmethod
    def _detect(self, frame: np.ndarray) -> list[Detection]:
        """Detect plates on a validated H x W x 3 uint8 BGR frame."""

    def __call__(self, frame: Any) -> list[Detection]:
        """Detect plates on ``frame``; raises InvalidImageError for unusable input."""
        bgr, _ = to_bgr(frame, "frame")
        found = self._detect(bgr)
        return sorted(found, key=lambda d: d.score, reverse=True)


class DetectorModel(PluginModel[Detector]):
    """What a detector plugin registers: ``load`` returns a Detector; ``with_path`` gives the
    detector reading another weights file, for detectors that take one (``NAME:PATH``)."""

    noun = "detector"
