"""Fixtures for detection tests: a fake detector plugin registered in code."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from plateplug import hookimpl, plugins
from plateplug.detect import Detection, Detector, DetectorModel


class BrightDetector(Detector):
    """Boxes the bounding rectangle of pixels brighter than 200 (score 0.9), plus a weak
    full-frame box (score 0.1)."""

    def _detect(self, frame: np.ndarray) -> list[Detection]:
        h, w = frame.shape[:2]
        found = [Detection((0, 0, w, h), 0.1)]
        ys, xs = np.nonzero(frame.max(axis=2) > 200)
        if len(xs):
            found.append(Detection((int(xs.min()), int(ys.min()), int(xs.max()) + 1,
                                    int(ys.max()) + 1), 0.9))
        return found


class BrightModel(DetectorModel):
    name = "bright"

    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        return BrightDetector("bright")


@pytest.fixture
def bright_plugin(fresh_plugins: None) -> Iterator[Callable[[], Detector]]:
    """Registers the 'bright' detector in code for the test."""
    module = types.ModuleType("bright_plugin")

    @hookimpl
    def register_detectors(register: Callable) -> None:
        register(BrightModel())

    module.register_detectors = register_detectors  # type: ignore[attr-defined]
    plugins.register_module(module, "bright_plugin")
    yield lambda: BrightDetector("bright")


def frame_with_plate(h: int = 72, w: int = 128) -> np.ndarray:
    """A dark frame with one bright 'plate' at (40, 30)-(80, 42)."""
    frame = np.full((h, w, 3), 30, np.uint8)
    frame[30:42, 40:80] = 230
    return frame


@pytest.fixture
def bright() -> Detector:
    """The 'bright' detector itself (no plugin registration)."""
    return BrightDetector("bright")


@pytest.fixture
def plate_frame() -> np.ndarray:
    return frame_with_plate()
