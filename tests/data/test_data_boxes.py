"""IoU of boxes and one-to-one matching of found boxes to true ones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from plateplug.data.boxes import box_iou, iou, match_count, matched_truths


@dataclass(frozen=True)
class Found:
    """A found box with its score: what matching needs of a Detection."""

    box: tuple[int, int, int, int]
    score: float


def test_iou_matrix():
    a = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], np.float32)
    overlaps = iou(a, a[:2])
    assert overlaps.shape == (3, 2)
    assert overlaps[0, 1] == pytest.approx(81 / 119)
    assert overlaps[0, 0] == overlaps[1, 1] == 1.0
    assert overlaps[2].tolist() == [0.0, 0.0]


def test_iou_of_box_pairs():
    assert box_iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert box_iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    assert box_iou((0, 0, 10, 10), (10, 0, 20, 10)) == 0.0  # touching edges
    assert box_iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(1 / 3, abs=1e-12)
    assert box_iou((5, 5, 5, 5), (5, 5, 5, 5)) == 0.0  # empty boxes overlap nothing
    assert isinstance(box_iou((0, 0, 1, 1), (0, 0, 1, 1)), float)
    assert iou(np.zeros((0, 4)), np.array([(0, 0, 1, 1)])).shape == (0, 1)


def test_match_count_is_one_to_one_at_iou():
    truth = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], np.float32)
    found = [Found((0, 0, 10, 10), 0.9), Found((1, 1, 10, 10), 0.8),
             Found((22, 22, 30, 30), 0.7), Found((100, 100, 110, 110), 0.6)]
    assert match_count(found, truth) == 2
    assert match_count(found, truth, threshold=0.99) == 1
    assert match_count([], truth) == 0


def test_detections_match_best_score_first():
    truth = np.array([[0, 0, 10, 10], [4, 0, 14, 10]], np.float32)
    near_both, exactly_second = (3, 0, 13, 10), (4, 0, 14, 10)
    # the better-scored box takes the second truth (IoU 0.82), the other finds only the first
    # at IoU 0.43; with the scores swapped, both truths are matched
    found = [Found(exactly_second, 0.5), Found(near_both, 0.9)]
    assert matched_truths(found, truth).tolist() == [False, True]
    swapped = [Found(exactly_second, 0.9), Found(near_both, 0.5)]
    assert matched_truths(swapped, truth).tolist() == [True, True]
    assert matched_truths(found, np.zeros((0, 4))).tolist() == []
