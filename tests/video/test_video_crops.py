import json

import cv2
import numpy as np
import pytest

from plateplug.video import CropWriter, OutputError


def test_writes_pngs_and_an_index(tmp_path):
    folder = tmp_path / "crops" / "deep"
    with CropWriter(folder, fps=10.0) as crops:
        crops.write(15, (1, 2, 41, 12), 3, np.full((40, 160, 3), 7, np.uint8))
    assert crops.count == 1
    (record,) = [json.loads(line) for line in (folder / "crops.jsonl").read_text().splitlines()]
    assert record == {"frame": 15, "time": 1.5, "box": [1, 2, 41, 12], "track_id": 3,
                      "file": "frame000015_track3.png"}
    assert cv2.imread(str(folder / record["file"])).shape == (40, 160, 3)


def test_unwritable_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write crops"):
        CropWriter(tmp_path / "file" / "crops", fps=10.0)
