"""Whole plates with text for the CTC loss: one height and width a batch, bursts for a
multi-frame model, only A-Z0-9 texts, two-row plates read row by row."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from plateplug.data.crops import Crop, synthetic_crops  # noqa: E402
from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train.text_plates import TEXT_LR_HEIGHTS, TextPlateSampler  # noqa: E402
from tests.data.conftest import render_plate  # noqa: E402


def _crops():
    return [Crop(render_plate("AB123", 0, (240, 80)), "a", "AB123"),
            Crop(render_plate("XYZ9", 1, (300, 60)), "b", "XYZ9"),
            Crop(render_plate("Q-1", 2), "c", "Q-1"),  # not a CTC target
            Crop(render_plate("", 3), "d", "")]


def test_batches_hold_whole_plates_of_one_size_with_their_texts():
    sampler = TextPlateSampler(_crops(), np.random.default_rng(0), "balanced")
    assert [c.text for c in sampler.crops] == ["AB123", "XYZ9"]
    for _ in range(5):
        lr, texts, bands = sampler.sample(4)
        h, w = lr.shape[-2:]
        assert lr.shape[:2] == (4, 3) and TEXT_LR_HEIGHTS[0] <= h <= TEXT_LR_HEIGHTS[1]
        assert 2 * h <= w <= 5 * h and set(texts) <= {"AB123", "XYZ9"} and len(texts) == 4
        assert bands == [(i, 0.0, 1.0) for i in range(4)]  # each plate read whole
        assert float(lr.min()) >= 0 and float(lr.max()) <= 1


def test_two_row_batches_give_each_row_its_band_and_text():
    two = synthetic_crops(6, seed=0, rows=2)
    sampler = TextPlateSampler(_crops() + two, np.random.default_rng(2), "balanced",
                               two_row_share=0.5)
    rows = {line.text: (line.top, line.bottom) for c in two for line in c.lines}
    kinds = set()
    for _ in range(12):
        lr, texts, bands = sampler.sample(3)
        h, w = lr.shape[-2:]
        if len(texts) == 6:  # a two-row batch: two lines a plate, in reading order
            kinds.add(2)
            assert h <= w <= 2.5 * h and [b[0] for b in bands] == [0, 0, 1, 1, 2, 2]
            assert all(rows[t] == (top, bottom) for t, (_, top, bottom) in zip(texts, bands))
        else:
            kinds.add(1)
            assert set(texts) <= {"AB123", "XYZ9"}
    assert kinds == {1, 2}


def test_two_row_plates_are_left_out_without_a_share():
    sampler = TextPlateSampler(_crops() + synthetic_crops(3, seed=0, rows=2),
                               np.random.default_rng(0), "balanced")
    assert [c.text for c in sampler.crops] == ["AB123", "XYZ9"] and not sampler.two_row
    with pytest.raises(PlateplugError, match="two-row plates"):
        TextPlateSampler(_crops(), np.random.default_rng(0), "balanced", two_row_share=0.3)


def test_a_multi_frame_model_gets_bursts():
    lr, _, _ = TextPlateSampler(_crops(), np.random.default_rng(1), "camera",
                                frames=5).sample(2)
    assert lr.shape[1] == 15
    with_grid, _, _ = TextPlateSampler(_crops(), np.random.default_rng(1), "camera",
                                       frames=5, grid=2).sample(2)
    assert with_grid.shape[1] == 15 + 16
    assert torch.equal(with_grid[:, :15], lr)  # the same bursts, the grid after them


def test_no_plate_with_text_is_an_error():
    with pytest.raises(PlateplugError, match="plates with text"):
        TextPlateSampler(_crops()[2:], np.random.default_rng(0), "balanced")


def test_labelled_scenes_crops_take_their_share_of_the_one_row_plates():
    scenes = [Crop(render_plate("SCN12", 4, (240, 80)), "scenes/images/x.jpg#0", "SCN12")]
    crops = _crops() + scenes
    drawn = TextPlateSampler(crops, np.random.default_rng(3), "balanced")
    assert [c.text for c in drawn.crops] == ["AB123", "XYZ9", "SCN12"]  # drawn as the others
    shared = TextPlateSampler(crops, np.random.default_rng(3), "balanced", scenes_share=0.75)
    assert [c.text for c in shared.crops] == ["AB123", "XYZ9"]
    texts = [t for _ in range(40) for t in shared.sample(5)[1]]
    assert 0.6 < texts.count("SCN12") / len(texts) < 0.9  # 200 draws at 0.75
    with pytest.raises(PlateplugError, match="scenes crops with text"):
        TextPlateSampler(_crops(), np.random.default_rng(0), "balanced", scenes_share=0.3)
