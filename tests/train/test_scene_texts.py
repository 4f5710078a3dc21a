"""Texts for the scenes crops: read at the HR reference's height, kept when sure and
plate-like, written and read back as key,text CSV, given to the crops that carry them."""

import numpy as np
import pytest

from plateplug.data.crops import Crop, load_scenes
from plateplug.errors import PlateplugError
from plateplug.readers import ScoredText
from plateplug.train.scene_texts import HR_HEIGHT, label_crops, read_crop, read_texts, write_texts


def _crop(key: str, height: int = 30, width: int = 90) -> Crop:
    return Crop(np.full((height, width, 3), 200, np.uint8), key)


def test_a_crop_is_read_at_the_hr_height_with_its_lowest_confidence():
    seen = []

    def reader(image):
        seen.append(image.shape)
        return [ScoredText("ab-12", 0.95), ScoredText("3", 0.8)]

    assert read_crop(reader, _crop("k").image) == ("AB123", 0.8)
    assert seen == [(HR_HEIGHT, 3 * HR_HEIGHT, 3)]  # aspect kept
    assert read_crop(lambda image: [], _crop("k").image) == ("", 0.0)


def test_a_crop_is_labelled_with_its_plate_line_and_that_line_s_confidence():
    def reader(image):
        return [ScoredText("Ohio", 0.5, 10.0), ScoredText("AB 12", 0.95, 40.0),
                ScoredText("3", 0.9, 36.0), ScoredText("Birthplace of aviation", 0.4, 8.0)]

    assert read_crop(reader, _crop("k").image) == ("AB123", 0.9)  # the small print left out


def test_only_sure_plate_like_readings_are_kept():
    answers = {"sure": [ScoredText("KA03MG2784", 0.97)], "unsure": [ScoredText("AB123", 0.6)],
               "short": [ScoredText("AB1", 0.99)], "long": [ScoredText("CALIFORNIA3LZH164", 0.99)],
               "plain": ["AB123"]}  # a reader without confidences is never sure
    crops = [_crop(key) for key in answers]
    readings = iter(answers.values())
    assert label_crops(crops, lambda image: next(readings)) == {"sure": "KA03MG2784"}


def test_texts_round_trip_and_bad_files_are_clear_errors(tmp_path):
    path = tmp_path / "texts.csv"
    write_texts(path, {"scenes/b.jpg#0": "XY99", "scenes/a.jpg#1": "AB123"})
    assert path.read_text().splitlines()[:2] == ["key,text", "scenes/a.jpg#1,AB123"]
    assert read_texts(path) == {"scenes/a.jpg#1": "AB123", "scenes/b.jpg#0": "XY99"}
    assert not list(tmp_path.glob("*.tmp"))
    with pytest.raises(PlateplugError, match="cannot read scenes texts"):
        read_texts(tmp_path / "missing.csv")
    (tmp_path / "bad.csv").write_text("path,label\na,b\n")
    with pytest.raises(PlateplugError, match="columns key and text"):
        read_texts(tmp_path / "bad.csv")


def test_scenes_crops_carry_their_texts(synthetic_dashcam):
    crops = load_scenes(synthetic_dashcam, {"scenes/images/frame_0.jpg#0": "AB123"})
    assert [(c.key, c.text) for c in crops] == [("scenes/images/frame_0.jpg#0", "AB123")]
    assert [c.text for c in load_scenes(synthetic_dashcam)] == [""]
