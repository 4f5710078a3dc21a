"""OnnxDetector input preparation: the fast path equals the metadata's formula."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import plateplug
from plateplug import plugins

pytest.importorskip("onnxruntime")
MODEL = plugins.registry("detector")["plateplug"].item
pytestmark = pytest.mark.skipif(MODEL.unavailable_reason() is not None,
                                reason="the plateplug detector is not trained yet")


def formula(canvas: np.ndarray, meta) -> np.ndarray:
    """``(value / 255 - mean) / std`` in the model's channel order, as N x C x H x W."""
    image = canvas[..., ::-1] if meta.channel_order == "RGB" else canvas
    x = image.astype(np.float64) / 255
    x = (x - np.array(meta.mean)) / np.array(meta.std)
    return x.transpose(2, 0, 1)[None]


@pytest.mark.parametrize("order", ["BGR", "RGB"])
@pytest.mark.parametrize("std", [(0.25, 0.25, 0.25), (0.2, 0.25, 0.3)])
def test_preprocess_matches_the_formula(order, std):
    detector = plateplug.load_detector(device="cpu")
    detector.metadata = dataclasses.replace(detector.metadata, channel_order=order, std=std,
                                            mean=(0.4, 0.45, 0.5))
    canvas = np.random.default_rng(0).integers(0, 256, (48, 80, 3), dtype=np.uint8)
    x = detector.preprocess(canvas)
    assert x.dtype == np.float32 and x.shape == (1, 3, 48, 80)
    np.testing.assert_allclose(x, formula(canvas, detector.metadata), rtol=1e-5, atol=1e-5)


def test_preprocess_pads_the_canvas_like_a_letterbox():
    detector = plateplug.load_detector(device="cpu")
    meta = detector.metadata
    image = np.random.default_rng(1).integers(0, 256, (30, 50, 3), dtype=np.uint8)
    canvas = np.full((32, 64, 3), meta.pad_value, np.uint8)
    canvas[:30, :50] = image
    x = detector.preprocess(image, (64, 32))
    assert x.shape == (1, 3, 32, 64)
    np.testing.assert_allclose(x, formula(canvas, meta), rtol=1e-5, atol=1e-5)
