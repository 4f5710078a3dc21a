"""tools/probe_detector.py: one line per source and one for all, thresholds 0.35-0.6, with
and without the re-encoding."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "plateplug/builtin_plugins/plate_detector/plate_detector.onnx"


def _folder(folder: Path, names: list[str], source: list[str]) -> None:
    (folder / "images").mkdir(parents=True)
    rng = np.random.default_rng(0)
    with (folder / "boxes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "split", *(["source"] if source else []),
                         "xmin", "ymin", "xmax", "ymax"])
        for name in names:
            cv2.imwrite(str(folder / "images" / name),
                        rng.integers(0, 256, (360, 640, 3), np.uint8))
            writer.writerow([f"images/{name}", "valid", *source, 100, 100, 200, 130])


@pytest.mark.slow
@pytest.mark.parametrize("reencode", [False, True])
def test_one_line_per_source_and_all(tmp_path, reencode):
    _folder(tmp_path / "data/dashcam", ["d0.jpg"], [])
    _folder(tmp_path / "scenes", ["oi_a.jpg", "kg_b.jpg"], ["x"])
    done = subprocess.run([sys.executable, str(ROOT / "tools/probe_detector.py"),
                           "--data", str(tmp_path / "data"), "--scenes",
                           str(tmp_path / "scenes"), str(SHIPPED),
                           *(["--reencode"] if reencode else [])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[1] for line in lines] == ["dashcam", "openimages", "kaggle", "all"]
    for line in lines:  # noise frames: every plate missed, so recall 0 at every threshold
        cells = line.split("  ")[1:]
        assert [c.split(":")[0] for c in cells] == ["0.35", "0.40", "0.45", "0.50", "0.55",
                                                     "0.60"]
        assert all(c.split()[1].startswith("0.000/") for c in cells)
