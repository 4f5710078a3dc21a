"""Evaluation sets: dashcam frames of a split, and plate crops of the same split pasted on."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from plateplug.data.benchsets import (
    Sample,
    dashcam_frames,
    open_set,
    read_unlabelled,
    scenes_frames,
    synthetic_scenes,
    synthetic_valid,
    with_unlabelled,
)
from plateplug.errors import PlateplugError


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
    assert sample.source == "dashcam"
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


def test_synthetic_scenes_are_their_own_image_source(split_data):
    assert next(synthetic_valid(split_data)).source == "synthetic"


@pytest.fixture
def scenes_dir(tmp_path: Path) -> Path:
    """A scenes folder: two valid photos of two sources (one without plates), one train."""
    root = tmp_path / "scenes"
    (root / "images").mkdir(parents=True)
    for name in ("a", "b", "c"):
        cv2.imwrite(str(root / "images" / f"{name}.jpg"), np.zeros((300, 400, 3), np.uint8))
    (root / "boxes.csv").write_text(
        "image,split,source,xmin,ymin,xmax,ymax\n"
        "images/a.jpg,valid,openimages,10,20,50,30\nimages/a.jpg,valid,openimages,60,70,90,80\n"
        "images/b.jpg,valid,andrewmvd,,,,\nimages/c.jpg,train,andrewmvd,1,2,3,4\n")
    return root


def test_scenes_frames_carry_their_source(scenes_dir):
    a, b = scenes_frames(scenes_dir)
    assert (a.name, a.source, a.sources) == ("a.jpg", "openimages", ("openimages",) * 2)
    np.testing.assert_array_equal(a.boxes, [[10, 20, 50, 30], [60, 70, 90, 80]])
    assert (b.name, b.source, b.sources, len(b.boxes)) == ("b.jpg", "andrewmvd", (), 0)
    assert [s.name for s in scenes_frames(scenes_dir, "train")] == ["c.jpg"]


def test_open_set_names_what_is_missing(split_data, scenes_dir, tmp_path):
    assert [s.name for s in open_set("scenes", split_data, scenes_dir)] == ["a.jpg", "b.jpg"]
    assert [s.name for s in open_set("dashcam", split_data, scenes_dir)] == ["valid.png"]
    with pytest.raises(PlateplugError, match="get.sh"):
        open_set("scenes", split_data, tmp_path / "none")
    with pytest.raises(PlateplugError, match="plates"):
        open_set("synthetic", tmp_path / "none", scenes_dir)
    with pytest.raises(PlateplugError, match="unknown bench set"):
        open_set("other", split_data, scenes_dir)


def test_unlabelled_plates_are_read_by_file_name_and_attached(tmp_path):
    path = tmp_path / "missed.csv"
    path.write_text("image,x1,y1,x2,y2\nimages/a.jpg,1,2,3,4\nimages/a.jpg,5,6,7,8\n"
                    "b.jpg,0,0,9,9\n")
    missed = read_unlabelled(path)
    assert sorted(missed) == ["a.jpg", "b.jpg"] and missed["a.jpg"].shape == (2, 4)
    samples = [Sample(name, np.zeros((4, 4, 3), np.uint8), np.zeros((0, 4)), ())
               for name in ("a.jpg", "c.jpg")]
    attached = list(with_unlabelled(samples, missed))
    assert attached[0].unlabelled.tolist() == [[1, 2, 3, 4], [5, 6, 7, 8]]
    assert attached[1].unlabelled is None


def test_a_malformed_unlabelled_file_is_a_clear_error(tmp_path):
    path = tmp_path / "missed.csv"
    path.write_text("image,x1,y1\na.jpg,1,2\n")
    with pytest.raises(PlateplugError, match="not a CSV of image,x1,y1,x2,y2 rows"):
        read_unlabelled(path)
