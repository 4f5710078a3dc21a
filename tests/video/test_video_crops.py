import json

import cv2
import numpy as np
import pytest

from plateplug.video import CropWriter, OutputError


def test_writes_pngs_and_an_index(tmp_path):
    folder = tmp_path / "crops" / "deep"
    with CropWriter(folder, fps=10.0) as crops:
        crops.write(15, (1, 2, 41, 12), 3, np.full((40, 160, 3), 7, np.uint8),
                    crop_size=(48, 12), input_size=(40, 10))
    assert crops.count == 1
    (record,) = [json.loads(line) for line in (folder / "crops.jsonl").read_text().splitlines()]
    assert record == {"frame": 15, "time": 1.5, "box": [1, 2, 41, 12], "track_id": 3,
                      "file": "frame000015_track3.png", "crop_size": [48, 12],
                      "input_size": [40, 10], "reused_from": None}
    assert cv2.imread(str(folder / record["file"])).shape == (40, 160, 3)


def test_a_reused_result_names_the_earlier_png_instead_of_writing_it_again(tmp_path):
    with CropWriter(tmp_path, fps=10.0) as crops:
        crops.write(4, (1, 2, 41, 12), 3, np.full((40, 160, 3), 7, np.uint8))
        crops.write(5, (2, 2, 42, 12), 3, np.full((40, 160, 3), 7, np.uint8), reused_from=4)
    records = [json.loads(line) for line in (tmp_path / "crops.jsonl").read_text().splitlines()]
    assert [(r["frame"], r["file"], r["reused_from"]) for r in records] == [
        (4, "frame000004_track3.png", None), (5, "frame000004_track3.png", 4)]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["frame000004_track3.png"]


def test_unwritable_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write crops"):
        CropWriter(tmp_path / "file" / "crops", fps=10.0)
