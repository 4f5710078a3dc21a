"""The detection API contract: Detection, Detector input checks, load_detector defaults."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import plateplug
from plateplug import plugins
from plateplug.detect import Detection, Detector, DetectorModel, NoDetectorError, load_detector
from plateplug.errors import InvalidImageError, PlateplugError, UnknownModelError
from plateplug.plugins import Registered


def test_detection_is_frozen_with_box_and_score():
    d = Detection((1, 2, 11, 7), 0.5)
    assert (d.width, d.height) == (10, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.score = 1.0  # type: ignore[misc]


def test_detector_returns_best_first_in_frame_pixels(bright, plate_frame):
    found = bright(plate_frame)
    assert [d.score for d in found] == [0.9, 0.1]
    assert found[0].box == (40, 30, 80, 42)


def test_detector_accepts_grey_and_bgra(bright, plate_frame):
    frame = plate_frame
    grey = frame[:, :, 0]
    bgra = np.dstack([frame, np.full(frame.shape[:2], 255, np.uint8)])
    for image in (grey, bgra):
        assert bright(image)[0].box == (40, 30, 80, 42)


@pytest.mark.parametrize("bad", [
    "frame.png", np.zeros((10, 10, 3), np.float32), np.zeros((0, 10, 3), np.uint8),
    np.zeros((2, 10, 10, 3), np.uint8), np.zeros((10, 10, 2), np.uint8),
])
def test_detector_rejects_bad_input(bright, bad):
    with pytest.raises(InvalidImageError):
        bright(bad)


def test_builtin_detectors_are_registered():
    names = plugins.registry("detector")
    assert {"plateplug", "haar"} <= set(names)
    assert all(isinstance(r.item, DetectorModel) for r in names.values())


def test_load_detector_by_name(bright_plugin):
    assert plateplug.load_detector("bright").name == "bright"
    with pytest.raises(UnknownModelError, match="bright"):
        load_detector("nope")


class _Model(DetectorModel):
    def __init__(self, name: str, reason: str | None):
        self.name, self._reason = name, reason

    def unavailable_reason(self) -> str | None:
        return self._reason

    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        return _Nothing(self.name)


class _Nothing(Detector):
    def _detect(self, frame: np.ndarray) -> list[Detection]:
        return []


def _fake_registry(monkeypatch, **reasons):
    items = {n: Registered(_Model(n, r), "test") for n, r in reasons.items()}
    monkeypatch.setattr(plugins, "registry", lambda kind: items)


def test_default_is_the_trained_detector(monkeypatch):
    _fake_registry(monkeypatch, plateplug=None, haar=None)
    assert load_detector().name == "plateplug"


def test_default_falls_back_to_haar(monkeypatch):
    _fake_registry(monkeypatch, plateplug="not trained yet", haar=None)
    assert load_detector().name == "haar"


def test_no_default_detector_is_a_clear_error(monkeypatch):
    _fake_registry(monkeypatch, plateplug="not trained yet", haar="no CascadeClassifier")
    with pytest.raises(NoDetectorError, match="not trained yet.*no CascadeClassifier") as info:
        load_detector()
    assert isinstance(info.value, PlateplugError)
