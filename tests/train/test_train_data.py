"""LR/HR batches from crops in RAM, tensor round trips and the fixed validation pairs."""

import numpy as np
import pytest

pytest.importorskip("torch")

from plateplug.data.crops import load_sources  # noqa: E402
from plateplug.train.data import PairSampler, to_images, to_tensor, validation_pairs  # noqa: E402


def test_sampler_batches_are_x4_pairs(synthetic_plates):
    sampler = PairSampler(load_sources([synthetic_plates]), np.random.default_rng(0))
    for _ in range(5):
        lr, hr = sampler.sample(3)
        assert lr.shape[0] == 3 and lr.shape[1] == 3
        assert hr.shape[2:] == (4 * lr.shape[2], 4 * lr.shape[3])
        assert 12 <= lr.shape[2] <= 28 and lr.shape[3] == 40
        assert float(lr.min()) >= 0 and float(lr.max()) <= 1


def test_tensor_round_trip_and_validation_pairs(synthetic_plates):
    val = load_sources([synthetic_plates], "val")
    pairs = validation_pairs(val, count=5)
    assert len(pairs) == len(val) >= 2
    lr, hr = pairs[0]
    assert lr.shape[0] == 20 and hr.shape[0] == 80
    back = to_images(to_tensor([lr]))[0]
    assert np.array_equal(back, lr)
