"""Evaluation sets: dashcam frames of a split, and plate crops of the same split pasted on."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from plateplug.detect.benchsets import dashcam_frames, synthetic_scenes, synthetic_valid


@pytest.fixture
def split_data(tmp_path: Path) -> Path:
    """dashcam/ with one train and one valid frame; plates/ with br/ and eu2/ crops."""
    root = tmp_path / "data"
    (root / "dashcam").mkdir(parents=True)
    rows = ["image,split,xmin,ymin,xmax,ymax"]
    for i, split in enumerate(("train", "valid")):
        frame = np.full((360, 640, 3), 40 + 20 * i, np.uint8)
        frame[200:230, 300:400] = 220
        cv2.imwrite(str(root / "dashcam" / f"{split}.png"), frame)
        rows.append(f"{split}.png,{split},300,200,400,230")
    (root / "dashcam" / "boxes.csv").write_text("\n".join(rows) + "\n")
    for folder in ("br", "eu2"):
        (root / "plates" / folder).mkdir(parents=True)
        for i in range(4):
            plate = np.full((20, 80, 3), 200 if folder == "br" else 120, np.uint8)
            cv2.imwrite(str(root / "plates" / folder / f"{folder}{i:02d}.png"), plate)
    return root


def test_dashcam_frames_keep_one_split(split_data):
    (sample,) = dashcam_frames(split_data, "train")
    assert sample.name == "train.png" and sample.sources == ("dashcam",)
    np.testing.assert_array_equal(sample.boxes, [[300, 200, 400, 230]])


def test_synthetic_scenes_paste_crops_of_the_frames_split_only(split_data):
    pasted = {"train": set(), "valid": set()}
    for split in pasted:
        for seed in range(8):
            (sample,) = synthetic_scenes(split_data, split, seed)
            assert sample.name == f"{split}.png" and sample.sources[0] == "dashcam"
            assert len(sample.boxes) == len(sample.sources) > 1
            pasted[split] |= set(sample.sources[1:])
    assert pasted["train"] == {"br"} and "eu2" in pasted["valid"]


def test_synthetic_valid_is_deterministic(split_data):
    a, b = next(synthetic_valid(split_data)), next(synthetic_valid(split_data))
    np.testing.assert_array_equal(a.frame, b.frame)
    np.testing.assert_array_equal(a.boxes, b.boxes)
