"""LR/HR batches from crops in RAM, tensor round trips and the fixed validation pairs."""

import numpy as np
import pytest

pytest.importorskip("torch")

from plateplug.data.crops import SCENES_KEY, Crop, load_sources  # noqa: E402
from plateplug.errors import PlateplugError  # noqa: E402
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


def _scenes_and_others(scenes: int, others: int) -> list[Crop]:
    """Bright scenes crops and dark other crops, all tall enough for every LR height."""
    bright, dark = np.full((120, 360, 3), 220, np.uint8), np.full((120, 360, 3), 30, np.uint8)
    return ([Crop(bright, f"{SCENES_KEY}/{i}") for i in range(scenes)]
            + [Crop(dark, f"br/{i}") for i in range(others)])


def _bright_share(sampler: PairSampler, draws: int) -> float:
    """The share of bright plates drawn (the photometric jitter keeps 220 above 60, 30 below)."""
    means = [float(hr.mean()) for _ in range(draws // 8) for hr, _ in sampler.plates(8)]
    return float(np.mean([m > 60 for m in means]))


def test_a_scenes_share_sets_how_often_scenes_crops_are_drawn():
    crops = _scenes_and_others(10, 90)
    uniform = PairSampler(crops, np.random.default_rng(0))
    shared = PairSampler(crops, np.random.default_rng(0), scenes_share=0.5)
    assert 0.03 <= _bright_share(uniform, 400) <= 0.17
    assert 0.42 <= _bright_share(shared, 400) <= 0.58


def test_no_share_keeps_the_uniform_draws():
    crops = _scenes_and_others(10, 90)
    a = PairSampler(crops, np.random.default_rng(3)).sample(4)
    b = PairSampler(crops, np.random.default_rng(3), scenes_share=0.0).sample(4)
    assert all(np.array_equal(x.numpy(), y.numpy()) for x, y in zip(a, b))


def test_a_scenes_share_without_scenes_crops_is_an_error():
    with pytest.raises(PlateplugError, match="needs scenes crops"):
        PairSampler(_scenes_and_others(0, 20), np.random.default_rng(0), scenes_share=0.3)
