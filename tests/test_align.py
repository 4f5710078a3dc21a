"""Sub-pixel registration on synthetic shifts (plateplug.align)."""

import cv2
import numpy as np
import pytest

from plateplug.align import MAX_SHIFT, estimate_shift, register, registration, shift_image


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


def test_registration_keeps_the_unwarped_frames_and_their_shifts():
    ref = _texture(seed=4)
    moved = shift_image(ref, 0.6, -0.4)
    bigger = cv2.resize(shift_image(ref, -0.3, 0.2), (150, 60), interpolation=cv2.INTER_CUBIC)
    found = registration([ref, moved, bigger])
    assert found.shifts[0] == (0.0, 0.0) and found.resized[0] is ref
    assert abs(found.shifts[1][0] - 0.6) < 0.05 and abs(found.shifts[1][1] + 0.4) < 0.05
    assert abs(found.shifts[2][0] + 0.3) < 0.1 and abs(found.shifts[2][1] - 0.2) < 0.1
    assert found.resized[1] is moved and found.resized[2].shape == ref.shape
    for a, b in zip(found.frames, register([ref, moved, bigger])):
        np.testing.assert_array_equal(a, b)


def test_registration_gives_an_untrusted_shift_as_none():
    noise = np.random.default_rng(5).integers(0, 256, (16, 40, 3), dtype=np.uint8)
    ref = cv2.GaussianBlur(noise, (0, 0), 1.0)
    other = np.roll(ref, 12, axis=1)  # 12 px: more than MAX_SHIFT of the 16 px height
    assert estimate_shift(ref, other)[0] > MAX_SHIFT * 16
    found = registration([ref, other])
    assert found.shifts[1] == (0.0, 0.0)
    assert found.frames[1] is other and found.resized[1] is other
