"""Bursts are built exactly as docs/benchmark.md ("Bursts") says (recomputed step by step)."""

import zlib

import cv2
import numpy as np
import pytest

from plateplug.data.protocol import make_burst, make_pair
from tests.data.conftest import text_crop


def _frame_by_hand(hr: np.ndarray, name: str, k: int, lr_height: int) -> np.ndarray:
    rng = np.random.default_rng(zlib.crc32(f"{name}:{k}".encode()))
    h, w = hr.shape[:2]
    if k:
        dx, dy = rng.uniform(-2, 2, 2)
        hr = cv2.warpAffine(hr, np.float32([[1, 0, dx], [0, 1, dy]]), (w, h),
                            flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    blurred = cv2.GaussianBlur(hr, (0, 0), 1.5)
    small = cv2.resize(blurred, (w // 4, lr_height), interpolation=cv2.INTER_AREA)
    noisy = np.clip(small + rng.normal(0, 3, small.shape), 0, 255).astype(np.uint8)
    _, jpeg = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 60])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def test_burst_by_hand():
    orig = text_crop("XY987", seed=4)[:, :171]
    name = "plate_0042.png"
    burst = make_burst(orig, 16, 5, seed_name=name)
    np.testing.assert_array_equal(burst.hr, make_pair(orig, 16).hr)
    assert len(burst.frames) == 5
    for k, frame in enumerate(burst.frames):
        np.testing.assert_array_equal(frame, _frame_by_hand(burst.hr, name, k, 16))


def test_burst_frames_differ_and_are_fixed():
    orig = text_crop("AB123", seed=1)
    first, again = make_burst(orig, 20, 3, "a.png"), make_burst(orig, 20, 3, "a.png")
    for a, b in zip(first.frames, again.frames):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.frames[0], first.frames[1])


def test_burst_needs_a_frame():
    with pytest.raises(ValueError, match="at least 1 frame"):
        make_burst(text_crop("AB1", seed=0), 16, 0)
