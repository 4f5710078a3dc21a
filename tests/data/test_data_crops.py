"""Loading crops in RAM (plates folder, dashcam and scenes boxes, rendered plates) without
validation crops."""

import numpy as np
import pytest

from plateplug.data.crops import load_dashcam, load_scenes, load_sources, synthetic_crops
from plateplug.errors import PlateplugError


def test_train_split_excludes_validation(synthetic_plates):
    train = load_sources([synthetic_plates], "train")
    val = load_sources([synthetic_plates], "val")
    assert train and val
    assert not any(c.key.startswith("eu2/") for c in train)
    assert {c.key for c in train}.isdisjoint({c.key for c in val})
    assert all(c.text for c in train)


def test_dashcam_uses_only_train_boxes_with_margin(synthetic_dashcam):
    crops = load_dashcam(synthetic_dashcam / "boxes.csv")
    assert len(crops) == 1
    h, w = crops[0].image.shape[:2]
    assert h > 60 and w > 180  # the 180x60 box plus a margin
    assert len(load_sources([synthetic_dashcam])) == 1


def test_parent_folder_with_plates_and_dashcam(synthetic_plates, synthetic_dashcam):
    crops = load_sources([synthetic_plates.parent])
    assert any(c.key.startswith("dashcam/") for c in crops)
    assert any(c.key.startswith("br/") for c in crops)


def test_missing_source_is_an_error(tmp_path):
    with pytest.raises(PlateplugError):
        load_sources([tmp_path / "nope"])


def test_scenes_crops_are_the_train_boxes_at_least_40_px_high(synthetic_dashcam, tmp_path):
    boxes = (synthetic_dashcam / "boxes.csv").read_text()
    # a 30 px high train box is too small to be an x4 target
    (synthetic_dashcam / "boxes.csv").write_text(boxes + "images/frame_0.jpg,train,0,0,90,30\n")
    crops = load_scenes(synthetic_dashcam)
    assert [c.key for c in crops] == ["scenes/images/frame_0.jpg#0"]  # not the valid frame
    assert crops[0].image.shape[0] == 60 + 2 * 9  # the 60 px box with a 15% margin
    with pytest.raises(PlateplugError, match="no boxes.csv"):
        load_scenes(tmp_path)


def test_synthetic_crops_are_labelled_and_seeded():
    crops = synthetic_crops(6, seed=1)
    again = synthetic_crops(6, seed=1)
    assert [c.key for c in crops] == [f"synth/{i:05d}" for i in range(6)]
    assert all(c.text for c in crops)
    assert [c.text for c in crops] == [c.text for c in again]
    assert [c.text for c in crops] != [c.text for c in synthetic_crops(6, seed=2)]


def test_synthetic_crops_take_a_font_set():
    pytest.importorskip("ttf_opensans")
    hershey, truetype = synthetic_crops(3, seed=1), synthetic_crops(3, seed=1, fonts="truetype")
    assert [c.text for c in hershey] == [c.text for c in truetype]
    assert not any(np.array_equal(a.image, b.image) for a, b in zip(hershey, truetype))
