"""tools/device/pack_detector_data.py: parts that add up to a training folder, boxes scaled
with their frames, plates that keep their split."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("torch")

from plateplug.data.frames import read_frames  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "plateplug/builtin_plugins/plate_detector/plate_detector.onnx"


def _frames(folder: Path, header: list[str], extra: list[str], rng: np.random.Generator
            ) -> None:
    (folder / "images").mkdir(parents=True)
    with (folder / "boxes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(3):
            cv2.imwrite(str(folder / f"images/f{i}.jpg"),
                        rng.integers(0, 256, (720, 1280, 3), np.uint8))
            writer.writerow([f"images/f{i}.jpg", "train", *extra, 100, 200, 300, 260])
        writer.writerow(["images/f9.jpg", "valid", *extra, 1, 2, 3, 4])  # never packed


def write_training_data(folder: Path) -> tuple[Path, Path]:
    """A data folder (three dashcam train frames, one plate crop) and a scenes folder (three
    train photos) under ``folder``, each frame 1280 x 720 noise with one box."""
    rng = np.random.default_rng(0)
    data, scenes = folder / "data", folder / "scenes"
    _frames(data / "dashcam", ["image", "split", "xmin", "ymin", "xmax", "ymax"], [], rng)
    _frames(scenes, ["image", "split", "source", "xmin", "ymin", "xmax", "ymax"], ["kaggle"],
            rng)
    (data / "plates/eu").mkdir(parents=True)
    cv2.imwrite(str(data / "plates/eu/p0.png"), np.full((60, 400, 3), 200, np.uint8))
    (data / "plates/labels.csv").write_text("path,text\neu/p0.png,AB123\n")
    return data, scenes


@pytest.mark.slow
def test_parts_merge_into_a_training_folder(tmp_path):
    data, scenes = write_training_data(tmp_path)
    out = tmp_path / "pack"
    done = subprocess.run([sys.executable, str(ROOT / "tools/device/pack_detector_data.py"),
                           "--data", str(data), "--scenes", str(scenes), "--detector",
                           str(SHIPPED), "--out", str(out), "--part-mb", "0.05"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    parts = sorted(p.name for p in out.iterdir())
    assert parts[0] == "part0" and len(parts) > 2  # frames spread over several parts
    merged = tmp_path / "merged"
    for part in parts:
        subprocess.run(["cp", "-a", f"{out / part}/.", str(merged)], check=True)
    frames = read_frames(merged / "scenes", "train") + read_frames(merged / "data/dashcam",
                                                                  "train")
    assert len(frames) == 6
    for frame in frames:  # 1280 x 720 -> the 896 x 504 letterbox, boxes with it
        assert frame.read().shape == (504, 896, 3)
        np.testing.assert_allclose(frame.box_array(), [[70, 140, 210, 182]], atol=0.06)
    plate = cv2.imread(str(merged / "data/plates/eu/p0.png"))
    assert plate.shape[1] == 192
    for mined in ("negatives.csv", "ignored.csv"):
        assert (merged / mined).read_text().startswith("image,x1,y1,x2,y2")
