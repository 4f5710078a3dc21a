"""The Detector (frame in, plate boxes out) and the DetectorModel that plugins register."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from plateplug.detect.detection import Detection
from plateplug.errors import PlateplugError
from plateplug.images import to_bgr


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


class DetectorModel(ABC):
    """What a plugin registers: a named detector that can be described and loaded."""

    name: str
    description: str = ""

    def unavailable_reason(self) -> str | None:
        """Why ``load`` would fail (e.g. 'not trained'), or None when it can load."""
        return None

    def with_path(self, path: str | Path) -> DetectorModel:
        """This detector with its weights read from ``path`` (``NAME:PATH`` on the command
        line); raises PlateplugError for detectors that take no model file."""
        raise PlateplugError(f"detector {self.name!r} takes no model file ({path})")

    @abstractmethod
    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        """Create the detector on ``device`` ('auto', 'cpu' or 'cuda')."""
