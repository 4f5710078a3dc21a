"""Shift-and-add channels: where each sample lands, the channel order, counts and the edges."""

import numpy as np
import pytest

from plateplug.shift_add import grid_channels, shift_add

S = 4


def _frame(h: int = 5, w: int = 7, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _cell(grid: np.ndarray, channel_of_cell: int) -> tuple[np.ndarray, np.ndarray]:
    """The RGB means (3 x h x w) and the count (h x w) of one fine cell."""
    colours = np.stack([grid[c * S * S + channel_of_cell] for c in range(3)])
    return colours, grid[3 * S * S + channel_of_cell]


def test_an_unshifted_frame_lands_in_the_centre_cell_of_each_pixel_in_rgb():
    frame = _frame()
    grid = shift_add([frame], [(0.0, 0.0)], S)
    assert grid.shape == (grid_channels(S), 5, 7) and grid.dtype == np.float32
    centre = (S // 2) * S + S // 2  # floor(S * y + S / 2) = S * y + 2
    colours, count = _cell(grid, centre)
    np.testing.assert_allclose(colours, frame[..., ::-1].transpose(2, 0, 1) / 255.0, atol=1e-6)
    np.testing.assert_array_equal(count, 1.0)
    assert grid[3 * S * S:].sum() == pytest.approx(5 * 7)  # nothing in the other cells


def test_a_quarter_pixel_shift_moves_the_samples_one_fine_cell_in_unshuffle_order():
    frame = _frame(seed=1)
    # dy = +0.25: the frame shows the reference a quarter pixel higher -> cell row 1;
    # dx = -0.25: a quarter pixel further right -> cell column 3 (channel c * 16 + 1 * 4 + 3)
    grid = shift_add([frame], [(-0.25, 0.25)], S)
    colours, count = _cell(grid, 1 * S + 3)
    np.testing.assert_allclose(colours, frame[..., ::-1].transpose(2, 0, 1) / 255.0, atol=1e-6)
    np.testing.assert_array_equal(count, 1.0)


def test_frames_on_one_cell_are_averaged_and_counted_over_the_frames():
    a, b = _frame(seed=2), _frame(seed=3)
    grid = shift_add([a, b, a], [(0.0, 0.0), (0.0, 0.0), (0.3, 0.0)], S)
    centre = (S // 2) * S + S // 2
    colours, count = _cell(grid, centre)
    mean = (a.astype(float) + b) / 2
    np.testing.assert_allclose(colours, mean[..., ::-1].transpose(2, 0, 1) / 255.0, atol=1e-6)
    np.testing.assert_allclose(count, 2 / 3)
    assert grid[3 * S * S:].sum() == pytest.approx(3 * 5 * 7 / 3)  # every sample inside


def test_samples_shifted_off_the_grid_are_dropped():
    frame = _frame()
    grid = shift_add([frame], [(-1.0, 0.0)], S)  # shows the reference one pixel to the right
    assert grid[3 * S * S:].sum() == pytest.approx(5 * 7 - 5)  # its last column falls outside
    centre = (S // 2) * S + S // 2
    _, count = _cell(grid, centre)
    np.testing.assert_array_equal(count[:, 0], 0.0)  # nothing landed in the first column


def test_frames_and_shifts_must_pair_up():
    with pytest.raises(ValueError):
        shift_add([_frame(), _frame()], [(0.0, 0.0)], S)
