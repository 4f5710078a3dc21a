"""Choosing the shipped score threshold: best F1 over candidate thresholds."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnx")

from plateplug.detect.detection import Detection  # noqa: E402
from plateplug.train.detector.calibrate import (  # noqa: E402
    CANDIDATES,
    best_threshold,
    threshold_table,
    write_table,
)


def test_best_threshold_drops_weak_false_detections_and_keeps_weak_true_ones():
    truth = np.array([[0, 0, 40, 10], [100, 0, 140, 10]], np.float32)
    found = [Detection((0, 0, 40, 10), 0.9), Detection((100, 0, 140, 10), 0.52),
             Detection((50, 50, 90, 60), 0.3)]
    threshold, f1 = best_threshold(threshold_table([(found, truth)]))
    assert threshold == 0.35 and f1 == 1.0  # lowest threshold above the false 0.3


def test_best_threshold_trades_recall_for_precision():
    truth = np.array([[0, 0, 40, 10]], np.float32)
    found = [Detection((0, 0, 40, 10), 0.25)] + [
        Detection((50 * i, 50, 50 * i + 40, 60), 0.24) for i in range(1, 4)]
    assert best_threshold(threshold_table([(found, truth)])) == (0.25, 1.0)
    found.append(Detection((0, 100, 40, 110), 0.7))  # a confident false detection
    threshold, f1 = best_threshold(threshold_table([(found, truth)]))
    assert threshold == 0.25 and f1 == pytest.approx(2 / 3)
    assert threshold in CANDIDATES


def test_threshold_table_gives_recall_and_precision_per_threshold(tmp_path):
    truth = np.array([[0, 0, 40, 10], [100, 0, 140, 10]], np.float32)
    found = [Detection((0, 0, 40, 10), 0.9), Detection((50, 50, 90, 60), 0.5)]
    rows = {row.threshold: row for row in threshold_table([(found, truth)])}
    assert (rows[0.5].recall, rows[0.5].precision) == (0.5, 0.5)
    assert (rows[0.55].recall, rows[0.55].precision) == (0.5, 1.0)
    write_table(tmp_path / "t.csv", list(rows.values()))
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0] == "threshold,recall,precision,f1" and len(lines) == len(CANDIDATES) + 1
