"""Recall/precision matching (overall and by plate height) and timing."""

from __future__ import annotations

import numpy as np

from plateplug.detect import Detection
from plateplug.detect.evaluate import Counts, evaluate, height_band, match_count, median_ms


def test_match_count_is_one_to_one_at_iou():
    truth = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], np.float32)
    found = [Detection((0, 0, 10, 10), 0.9), Detection((1, 1, 10, 10), 0.8),
             Detection((22, 22, 30, 30), 0.7), Detection((100, 100, 110, 110), 0.6)]
    assert match_count(found, truth) == 2
    assert match_count(found, truth, threshold=0.99) == 1
    assert match_count([], truth) == 0


def test_evaluate_counts_recall_and_precision(bright, plate_frame):
    frame = plate_frame
    samples = [("a", frame, np.array([[40, 30, 80, 42]], np.float32), ("dashcam",))]
    counts = evaluate(bright, samples)
    assert (counts.truths, counts.detections, counts.matched) == (1, 2, 1)
    assert counts.recall == 1.0 and counts.precision == 0.5
    assert evaluate(bright, samples, min_score=0.5).precision == 1.0
    assert Counts().recall == 1.0
    assert median_ms(bright, frame, repeats=3, warmup=1) > 0


def test_recall_is_also_counted_by_plate_height_and_source(bright, plate_frame):
    truth = np.array([[40, 30, 80, 42], [0, 0, 30, 8], [0, 50, 100, 90]], np.float32)
    counts = evaluate(bright, [("a", plate_frame, truth, ("eu2", "br", "eu2"))])
    assert [height_band(b) for b in truth] == ["12-32 px", "<12 px", ">=32 px"]
    assert counts.by_height == {"12-32 px": [1, 1], "<12 px": [1, 0], ">=32 px": [1, 0]}
    assert counts.recall_by_height() == {"<12 px": 0.0, "12-32 px": 1.0, ">=32 px": 0.0}
    assert counts.by_source == {"eu2": [2, 1], "br": [1, 0]}
    assert counts.recall_by_source() == {"br": 0.0, "eu2": 0.5}
