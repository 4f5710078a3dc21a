"""Recall/precision matching, timing and the synthetic scene generator."""

from __future__ import annotations

import numpy as np

from plateplug.detect import Detection
from plateplug.detect.evaluate import Counts, evaluate, match_count, median_ms
from plateplug.detect.synth import compose, random_background


def test_match_count_is_one_to_one_at_iou():
    truth = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], np.float32)
    found = [Detection((0, 0, 10, 10), 0.9), Detection((1, 1, 10, 10), 0.8),
             Detection((22, 22, 30, 30), 0.7), Detection((100, 100, 110, 110), 0.6)]
    assert match_count(found, truth) == 2
    assert match_count(found, truth, threshold=0.99) == 1
    assert match_count([], truth) == 0


def test_evaluate_counts_recall_and_precision(bright, plate_frame):
    frame = plate_frame
    samples = [("a", frame, np.array([[40, 30, 80, 42]], np.float32))]
    counts = evaluate(bright, samples)
    assert (counts.truths, counts.detections, counts.matched) == (1, 2, 1)
    assert counts.recall == 1.0 and counts.precision == 0.5
    assert evaluate(bright, samples, min_score=0.5).precision == 1.0
    assert Counts().recall == 1.0
    assert median_ms(bright, frame, repeats=3, warmup=1) > 0


def test_compose_pastes_plates_inside_the_scene_deterministically():
    plate = np.full((20, 60, 3), 240, np.uint8)
    plate[5:15, 5:55:6] = 10
    results = []
    for _ in range(2):
        rng = np.random.default_rng(3)
        scene = random_background(120, 200, rng)
        results.append(compose(scene, [plate, plate], (20, 60), rng,
                               np.array([[0, 0, 10, 5]], np.float32)))
    (image, boxes), (image2, boxes2) = results
    np.testing.assert_array_equal(image, image2)
    np.testing.assert_array_equal(boxes, boxes2)
    assert len(boxes) >= 2 and (boxes[:, 2] <= 200).all() and (boxes[:, 3] <= 120).all()
    assert image.shape == (120, 200, 3) and image.dtype == np.uint8
