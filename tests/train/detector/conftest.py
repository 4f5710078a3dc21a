"""Fixtures for detector training tests: a tiny dashcam folder with synthetic frames."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest

from plateplug.data.synth import compose, random_background


def _plate(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    plate = np.full((24, 90, 3), 235, np.uint8)
    cv2.putText(plate, "".join(rng.choice(list("ABC123"), 6)), (4, 19),
                cv2.FONT_HERSHEY_SIMPLEX, 0.6, (20, 20, 20), 2)
    return plate


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """dashcam/ with two synthetic frames and boxes.csv, plates/eu/ with two crops."""
    root = tmp_path / "data"
    (root / "dashcam" / "images").mkdir(parents=True)
    (root / "plates" / "eu").mkdir(parents=True)
    plates = [_plate(0), _plate(1)]
    for i, plate in enumerate(plates):
        cv2.imwrite(str(root / "plates" / "eu" / f"p{i}.png"), plate)
    rng = np.random.default_rng(0)
    with (root / "dashcam" / "boxes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "split", "xmin", "ymin", "xmax", "ymax"])
        for i in range(2):
            image, boxes = compose(random_background(180, 320, rng), plates, (40, 90), rng)
            cv2.imwrite(str(root / "dashcam" / "images" / f"f{i}.jpg"), image)
            for box in boxes:
                writer.writerow([f"images/f{i}.jpg", "train", *box.round(1)])
    return root
