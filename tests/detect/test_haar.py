"""The 'haar' built-in: unavailable (with a useful reason) where OpenCV lacks the cascade API."""

from __future__ import annotations

import cv2
import pytest

from plateplug.builtin_plugins.haar_detector import HaarModel
from plateplug.errors import PlateplugError


def test_reason_when_cascade_classifier_is_missing(monkeypatch):
    monkeypatch.delattr(cv2, "CascadeClassifier", raising=False)
    reason = HaarModel().unavailable_reason()
    assert reason is not None
    assert "CascadeClassifier" in reason and "opencv-contrib-python-headless" in reason
    with pytest.raises(PlateplugError, match="CascadeClassifier"):
        HaarModel().load()


@pytest.mark.skipif(not hasattr(cv2, "CascadeClassifier"),
                    reason="this OpenCV build has no cv2.CascadeClassifier")
def test_haar_runs_where_opencv_has_it():
    import numpy as np
    model = HaarModel()
    if model.unavailable_reason():
        pytest.skip(model.unavailable_reason())
    assert model.load()(np.zeros((120, 200, 3), np.uint8)) == []
