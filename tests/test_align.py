"""Sub-pixel registration on synthetic shifts (plateplug.align)."""

import cv2
import numpy as np
import pytest

from plateplug.align import MAX_SHIFT, estimate_shift, register, shift_image


def _texture(h: int = 48, w: int = 120, seed: int = 0) -> np.ndarray:
    """A plate-like BGR image: dark strokes on a light ground, smoothed."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 200, np.uint8)
    for _ in range(12):
        x, y = int(rng.integers(4, w - 14)), int(rng.integers(4, h - 14))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(3, 10)), y + int(rng.integers(6, 12))),
                      (30, 30, 30), -1)
    return cv2.GaussianBlur(img, (0, 0), 1.0)


@pytest.mark.parametrize(("dx", "dy"), [(0.3, -0.2), (-0.45, 0.4), (1.7, -1.2), (0.0, 0.0)])
def test_estimate_shift_is_sub_pixel(dx, dy):
    ref = _texture()
    ex, ey = estimate_shift(ref, shift_image(ref, dx, dy))
    assert abs(ex - dx) < 0.05 and abs(ey - dy) < 0.05


def test_register_undoes_shifts_and_resizes():
    ref = _texture(seed=2)
    moved = shift_image(ref, 0.6, -0.4)
    bigger = cv2.resize(shift_image(ref, -0.3, 0.2), (150, 60), interpolation=cv2.INTER_CUBIC)
    out = register([ref, moved, bigger])
    assert out[0] is ref and all(o.shape == ref.shape for o in out)
    inner = (slice(4, -4), slice(4, -4))
    before = np.abs(moved.astype(float) - ref)[inner].mean()
    after = np.abs(out[1].astype(float) - ref)[inner].mean()
    assert after < before / 3
    assert np.abs(out[2].astype(float) - ref)[inner].mean() < before


def test_register_leaves_implausible_shifts_alone():
    ref = _texture(seed=3)
    other = _texture(seed=9)  # another image: whatever the estimate, it is not trusted blindly
    dx, dy = estimate_shift(ref, other)
    out = register([ref, other])
    if max(abs(dx), abs(dy)) > MAX_SHIFT * 48:
        np.testing.assert_array_equal(out[1], other)
    else:
        assert out[1].shape == ref.shape
