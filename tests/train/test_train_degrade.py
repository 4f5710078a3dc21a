"""LR degradations: sizes, dtype, determinism, and a clean share."""

import numpy as np

from plateplug.train.degrade import degrade, motion_kernel, photometric, shrink


def _hr() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (80, 160, 3), dtype=np.uint8)


def test_degrade_gives_quarter_size_uint8_and_is_seeded():
    hr = _hr()
    outs = [degrade(hr, np.random.default_rng(s)) for s in range(20)]
    assert all(o.shape == (20, 40, 3) and o.dtype == np.uint8 for o in outs)
    again = [degrade(hr, np.random.default_rng(s)) for s in range(20)]
    assert all(np.array_equal(a, b) for a, b in zip(outs, again, strict=True))
    clean = shrink(hr)
    n_clean = sum(np.array_equal(o, clean) for o in outs)
    assert 1 <= n_clean < 20


def test_motion_kernel_is_normalised():
    k = motion_kernel(5, 30.0)
    assert abs(float(k.sum()) - 1.0) < 1e-5


def test_photometric_keeps_shape():
    hr = _hr()
    for s in range(10):
        out = photometric(hr, np.random.default_rng(s))
        assert out.shape == hr.shape and out.dtype == np.uint8


def test_camera_profile_degrades_more_often_and_harder_than_mixed():
    hr = _hr()
    clean = shrink(hr)

    def stats(profile: str) -> tuple[int, float]:
        outs = [degrade(hr, np.random.default_rng(s), profile) for s in range(200)]
        n_clean = sum(np.array_equal(o, clean) for o in outs)
        error = float(np.mean([np.abs(o.astype(float) - clean).mean() for o in outs]))
        return n_clean, error

    mixed_clean, mixed_error = stats("mixed")
    camera_clean, camera_error = stats("camera")
    assert camera_clean < mixed_clean
    assert camera_error > mixed_error


def test_balanced_profile_makes_half_the_inputs_clean():
    hr = _hr()
    clean = shrink(hr)
    outs = [degrade(hr, np.random.default_rng(s), "balanced") for s in range(400)]
    share = sum(np.array_equal(o, clean) for o in outs) / len(outs)
    assert 0.42 < share < 0.58


def test_clean_profile_is_always_the_protocol_shrink():
    hr = _hr()
    clean = shrink(hr)
    outs = [degrade(hr, np.random.default_rng(s), "clean") for s in range(50)]
    assert all(np.array_equal(o, clean) for o in outs)
