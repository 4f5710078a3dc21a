"""The shipped 'plateplug' detector: loads by default, small, finds a clean plate."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import plateplug
from plateplug import plugins
from plateplug.data.boxes import iou
from plateplug.detect import OnnxDetector

pytest.importorskip("onnxruntime")
MODEL = plugins.registry("detector")["plateplug"].item
pytestmark = pytest.mark.skipif(MODEL.unavailable_reason() is not None,
                                reason="the plateplug detector is not trained yet")


def test_default_detector_is_the_shipped_onnx():
    detector = plateplug.load_detector(device="cpu")
    assert isinstance(detector, OnnxDetector) and detector.name == "plateplug"
    assert detector.metadata.training_data and detector.metadata.parameters > 0
    assert MODEL.path.stat().st_size < 5_000_000


def test_finds_a_clean_plate_and_nothing_on_a_blank_frame():
    detector = plateplug.load_detector(device="cpu")
    frame = np.full((720, 1280, 3), 90, np.uint8)
    assert detector(np.zeros_like(frame)) == []
    plate = np.full((48, 195, 3), 235, np.uint8)
    cv2.rectangle(plate, (0, 0), (194, 47), (20, 20, 20), 2)
    cv2.putText(plate, "B 123 ABC", (12, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.05, (20, 20, 20), 2)
    frame[400:448, 600:795] = plate
    found = detector(frame)
    assert found and iou(np.array([found[0].box]), np.array([[600, 400, 795, 448]]))[0, 0] > 0.5
    assert 0.0 <= found[0].score <= 1.0
