"""Detector evaluation: recall and precision (overall, by plate height and source) and
timing."""

from __future__ import annotations

import numpy as np

from plateplug.bench.detector import (
    Counts,
    evaluate,
    evaluate_all,
    height_band,
    median_ms,
    unlabelled_found,
)
from plateplug.data.benchsets import Sample
from plateplug.detect.detection import Detection


def test_evaluate_counts_recall_and_precision(bright, plate_frame):
    frame = plate_frame
    samples = [Sample("a", frame, np.array([[40, 30, 80, 42]], np.float32), ("dashcam",))]
    counts = evaluate(bright, samples)
    assert (counts.truths, counts.detections, counts.matched) == (1, 2, 1)
    assert counts.recall == 1.0 and counts.precision == 0.5
    assert evaluate(bright, samples, min_score=0.5).precision == 1.0
    assert Counts().recall == 1.0
    assert median_ms(bright, frame, repeats=3, warmup=1) > 0


def test_recall_is_also_counted_by_plate_height_and_source(bright, plate_frame):
    truth = np.array([[40, 30, 80, 42], [0, 0, 30, 8], [0, 20, 100, 90], [0, 0, 90, 30]],
                     np.float32)
    counts = evaluate(bright, [Sample("a", plate_frame, truth, ("eu2", "br", "eu2", "br"))])
    assert [height_band(b) for b in truth] == ["<16 px", "<16 px", ">=64 px", "16-32 px"]
    assert counts.by_height == {"<16 px": [2, 1], ">=64 px": [1, 0], "16-32 px": [1, 0]}
    assert counts.recall_by_height() == {"<16 px": 0.5, "16-32 px": 0.0, ">=64 px": 0.0}
    assert counts.by_source == {"eu2": [2, 1], "br": [2, 0]}
    assert counts.recall_by_source() == {"br": 0.0, "eu2": 0.5}


def test_counts_per_image_source_and_one_plate_images(bright, plate_frame):
    one = np.array([[40, 30, 80, 42]], np.float32)
    two = np.array([[40, 30, 80, 42], [0, 0, 30, 8]], np.float32)
    samples = [Sample("a", plate_frame, one, ("x",), "x"),
               Sample("b", plate_frame, two, ("y", "y"), "y"),
               Sample("c", plate_frame, one, ("y",), "y")]
    results = evaluate_all({"p": bright, "q": lambda frame: bright(frame)[:1]}, samples,
                           min_score=0.0)
    counts = results["p"]
    assert (counts.frames, counts.truths, counts.detections, counts.matched) == (3, 4, 6, 3)
    assert counts.boxes_per_image == 2.0
    assert (counts.one_plate_images, counts.boxes_per_one_plate_image) == (2, 2.0)
    y = counts.by_image_source["y"]
    assert (y.frames, y.truths, y.detections, y.matched) == (2, 3, 4, 2)
    assert y.precision == 0.5 and y.recall == 2 / 3
    assert counts.by_image_source["x"].boxes_per_one_plate_image == 2.0
    assert Counts().boxes_per_one_plate_image is None
    assert results["q"].detections == 3 and results["q"].precision == 1.0
    assert results["q"].summary()["boxes_per_one_plate_image"] == 1.0


def test_boxes_on_plates_the_labels_miss_are_counted_apart(bright, plate_frame):
    truth = np.array([[40, 30, 80, 42]], np.float32)
    missed = np.array([[0, 0, 128, 72]], np.float32)  # the bright detector's weak full box
    counts = evaluate(bright, [Sample("a", plate_frame, truth, ("dashcam",), "dashcam", missed)])
    assert (counts.detections, counts.matched, counts.on_unlabelled) == (2, 1, 1)
    assert counts.precision == 0.5 and counts.precision_unlabelled_left_out == 1.0
    assert evaluate(bright, [Sample("a", plate_frame, truth, ("dashcam",))]).on_unlabelled == 0


def test_a_missed_plate_excuses_one_box_and_never_one_on_a_label():
    truth = np.array([[0, 0, 40, 10]], np.float32)
    missed = np.array([[100, 0, 140, 10], [0, 0, 40, 10]], np.float32)
    found = [Detection((100, 0, 140, 10), 0.9), Detection((101, 0, 141, 10), 0.8),
             Detection((0, 0, 40, 10), 0.7), Detection((0, 0, 41, 10), 0.6)]
    assert unlabelled_found(found, truth, missed) == 1
    assert unlabelled_found(found, np.zeros((0, 4), np.float32), missed) == 2
    assert unlabelled_found(found, truth, None) == 0
    assert unlabelled_found([], truth, missed) == 0
