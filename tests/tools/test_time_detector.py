"""tools/time_detector.py: a line per file with the whole call and each graph pass, and the
first pass by block."""

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
PASSES = r".*: [\d.]+ ms per frame; graph pass 1 [\d.]+, graph pass 2 [\d.]+(, verifier [\d.]+)?"


def time_detector(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
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
                           str(tmp_path / "data"), *options, str(SHIPPED)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.slow
def test_a_line_with_each_pass(tmp_path):
    done = time_detector(tmp_path)
    assert re.fullmatch(PASSES + r"\n", done.stdout)


@pytest.mark.slow
def test_layers_adds_the_first_pass_by_block(tmp_path):
    first, blocks = time_detector(tmp_path, "--layers").stdout.splitlines()
    assert re.fullmatch(PASSES, first)
    assert blocks.startswith("  first pass by block: ")
    times = dict(re.findall(r"(\w+) ([\d.]+) \(\d+%\)", blocks))
    assert {"c4", "p4", "head"} <= set(times)  # the stride-4 stage, the neck at stride 4, the head
    ms = [float(t) for t in times.values()]
    assert ms == sorted(ms, reverse=True) and ms[-1] >= 0
