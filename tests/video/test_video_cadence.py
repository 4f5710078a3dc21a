"""The detector cadence: every N-th frame, and at once on a frame that starts a new shot."""

import cv2
import numpy as np
import pytest

from plateplug.video.cadence import CUT_DIFFERENCE, CutDetector, DetectCadence, coarse_grey


def shot(seed: int, shift: int = 0) -> np.ndarray:
    """A smooth random 320 x 180 picture (a shot); ``shift`` pans it by that many pixels
    (about 2 grey levels of difference per pixel; another seed: about 40)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (9, 16, 3), dtype=np.uint8)
    frame = cv2.resize(small, (320, 180), interpolation=cv2.INTER_LINEAR)
    return np.roll(frame, shift, axis=1)


def test_coarse_grey_samples_about_64_columns_of_any_frame():
    assert coarse_grey(np.zeros((720, 1280, 3), np.uint8)).shape == (36, 64)
    assert coarse_grey(np.zeros((30, 40), np.uint8)).shape == (30, 40)


def test_a_new_shot_is_a_cut_and_small_motion_is_not():
    cuts = CutDetector()
    frames = [shot(1), shot(1, 1), shot(1, 2), shot(2), shot(2, 1)]
    assert [cuts(f) for f in frames] == [False, False, False, True, False]


def test_a_change_of_frame_size_is_not_compared():
    cuts = CutDetector()
    assert not cuts(shot(1)) and not cuts(shot(2)[:90])


def test_the_threshold_is_the_mean_grey_difference():
    grey = np.full((36, 64), 100, np.uint8)
    cuts = CutDetector()
    cuts(grey)
    assert not cuts(grey + np.uint8(CUT_DIFFERENCE))
    assert cuts(grey + np.uint8(2 * CUT_DIFFERENCE + 1))


def test_every_nth_frame_and_at_cuts_restarting_the_count():
    frames = [shot(1, i) for i in range(6)] + [shot(2, i) for i in range(6)]
    cadence = DetectCadence(every=4)
    assert [i for i, f in enumerate(frames) if cadence(f)] == [0, 4, 6, 10]
    plain = DetectCadence(every=4, at_cuts=False)
    assert [i for i, f in enumerate(frames) if plain(f)] == [0, 4, 8]


def test_a_cut_on_a_due_frame_is_one_detection_and_every_frame_needs_no_cuts():
    frames = [shot(1), shot(1, 1), shot(2), shot(2, 1), shot(2, 2)]
    cadence = DetectCadence(every=2)
    assert [cadence(f) for f in frames] == [True, False, True, False, True]
    assert DetectCadence(every=1).cuts is None


def test_every_below_one_is_an_error():
    with pytest.raises(ValueError, match="at least 1"):
        DetectCadence(every=0)
