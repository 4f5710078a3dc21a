"""Pairs are built exactly as docs/benchmark.md says (recomputed here step by step)."""

import zlib

import cv2
import numpy as np
import pytest

from plateplug.data.protocol import make_pair
from tests.data.conftest import text_crop


@pytest.mark.parametrize("lr_height", [16, 20, 24])
def test_clean_pair_by_hand(lr_height):
    orig = text_crop("AB123", seed=3)[:, :173]  # odd width: rounding matters
    h, w = orig.shape[:2]
    w_lr = round(w * lr_height / h)
    hr = cv2.resize(orig, (4 * w_lr, 4 * lr_height), interpolation=cv2.INTER_AREA)
    lr = cv2.resize(hr, (w_lr, lr_height), interpolation=cv2.INTER_AREA)
    pair = make_pair(orig, lr_height, "clean", seed_name="x.png")
    assert pair.hr.shape == (4 * lr_height, 4 * w_lr, 3)
    np.testing.assert_array_equal(pair.hr, hr)
    np.testing.assert_array_equal(pair.lr, lr)


def test_realistic_pair_by_hand():
    orig = text_crop("XY987", seed=4)
    name = "plate_0042.png"
    h, w = orig.shape[:2]
    w_lr = round(w * 20 / h)
    hr = cv2.resize(orig, (4 * w_lr, 80), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(hr, (0, 0), 1.5)
    small = cv2.resize(blurred, (w_lr, 20), interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    noisy = np.clip(small + rng.normal(0, 3, small.shape), 0, 255).astype(np.uint8)
    _, jpeg = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 60])
    lr = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    pair = make_pair(orig, 20, "realistic", seed_name=name)
    np.testing.assert_array_equal(pair.hr, hr)
    np.testing.assert_array_equal(pair.lr, lr)


def test_realistic_track_is_fixed_by_file_name():
    orig = text_crop("XY987")
    a = make_pair(orig, 16, "realistic", seed_name="a.png").lr
    assert np.array_equal(a, make_pair(orig, 16, "realistic", seed_name="a.png").lr)
    assert not np.array_equal(a, make_pair(orig, 16, "realistic", seed_name="b.png").lr)


def test_unknown_track():
    with pytest.raises(ValueError, match="unknown track"):
        make_pair(text_crop("A"), 16, "blurry")
