"""Data fixtures: generated plate crops (a labelled plates folder with a validation
folder), a dashcam folder with boxes, and one text crop (no ../shared)."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest

TRAIN_TEXTS = ["ABC1234", "XYZ9876", "KLM4567", "PQR1122", "DEF3344", "GHJ5566", "TUV7788",
               "NOP9900"]
VAL_TEXTS = ["VAL1234", "EUR5678"]


def render_plate(text: str, seed: int, size: tuple[int, int] = (240, 80)) -> np.ndarray:
    """A light plate with dark text and a little noise, BGR uint8 (width, height) = size."""
    rng = np.random.default_rng(seed)
    w, h = size
    img = np.full((h, w, 3), rng.integers(170, 240), np.uint8)
    cv2.rectangle(img, (2, 2), (w - 3, h - 3), (30, 30, 30), 2)
    scale = h / 40
    cv2.putText(img, text, (int(0.06 * w), int(0.7 * h)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (20, 20, 20), max(1, int(scale * 2)), cv2.LINE_AA)
    noise = rng.normal(0, 4, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


@pytest.fixture
def synthetic_plates(tmp_path: Path) -> Path:
    """A plates folder: br/ (train; labelled) and eu2/ (validation) with labels.csv."""
    root = tmp_path / "plates"
    rows = []
    for folder, texts in (("br", TRAIN_TEXTS), ("eu2", VAL_TEXTS)):
        (root / folder).mkdir(parents=True)
        for i, text in enumerate(texts):
            key = f"{folder}/{folder}_{i:03d}.png"
            cv2.imwrite(str(root / key), render_plate(text, i))
            rows.append({"path": key, "text": text, "country": folder, "source": "test",
                         "license": "CC0"})
    with (root / "labels.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root


@pytest.fixture
def synthetic_dashcam(tmp_path: Path) -> Path:
    """A dashcam folder: two frames with plates, boxes.csv with train, valid and empty rows."""
    root = tmp_path / "dashcam"
    (root / "images").mkdir(parents=True)
    rows = [["image", "split", "xmin", "ymin", "xmax", "ymax"]]
    for i, split in enumerate(("train", "valid")):
        frame = np.full((240, 320, 3), 90, np.uint8)
        frame[100:160, 60:240] = render_plate("CAM0001", i, (180, 60))
        name = f"images/frame_{i}.jpg"
        cv2.imwrite(str(root / name), frame)
        rows.append([name, split, "60", "100", "240", "160"])
    rows.append(["images/frame_0.jpg", "train", "", "", "", ""])
    with (root / "boxes.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return root


def text_crop(text: str, seed: int = 0) -> np.ndarray:
    """Black text on a white plate-sized image (60 x 200), with a little seeded noise."""
    img = np.full((60, 200, 3), 255, np.uint8)
    cv2.putText(img, text or "??", (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 3)
    rng = np.random.default_rng(seed)
    return np.clip(img.astype(int) - rng.integers(0, 30, img.shape), 0, 255).astype(np.uint8)
