"""tools/time_detector.py: a line per file with the whole call and each graph pass."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "plateplug/builtin_plugins/plate_detector/plate_detector.onnx"


@pytest.mark.slow
def test_a_line_with_each_pass(tmp_path):
    dashcam = tmp_path / "data/dashcam"
    (dashcam / "images").mkdir(parents=True)
    with (dashcam / "boxes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "split", "xmin", "ymin", "xmax", "ymax"])
        for i in range(2):
            cv2.imwrite(str(dashcam / f"images/f{i}.jpg"),
                        np.random.default_rng(i).integers(0, 256, (360, 640, 3), np.uint8))
            writer.writerow([f"images/f{i}.jpg", "valid", 10, 10, 60, 25])
    done = subprocess.run([sys.executable, str(ROOT / "tools/time_detector.py"), "--data",
                           str(tmp_path / "data"), str(SHIPPED)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r".*: [\d.]+ ms per frame; graph pass 1 [\d.]+, graph pass 2 [\d.]+"
                        r"(, verifier [\d.]+)?\n", done.stdout)
