"""Mining plates the dashcam labels miss, and saving them for a resumed run."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("torch")

from plateplug.data.frames import read_frames  # noqa: E402
from plateplug.detect.detection import Detection  # noqa: E402
from plateplug.train.detector.unlabelled import (  # noqa: E402
    find_unlabelled,
    read_boxes,
    write_boxes,
)


@pytest.fixture
def frames(tmp_path: Path):
    """Two frames: one labelled plate each; the first holds a second, unlabelled plate."""
    rows = ["image,split,xmin,ymin,xmax,ymax"]
    for i in range(2):
        cv2.imwrite(str(tmp_path / f"f{i}.png"), np.zeros((90, 160, 3), np.uint8))
        rows.append(f"f{i}.png,train,10,10,50,22")
    (tmp_path / "boxes.csv").write_text("\n".join(rows) + "\n")
    return read_frames(tmp_path)


def stub_detector(frame: np.ndarray) -> list[Detection]:
    """Finds the labelled plate (slightly off) and, on every frame, a second box."""
    return [Detection((11, 10, 51, 23), 0.9), Detection((100, 60, 140, 72), 0.6)]


def test_find_unlabelled_keeps_detections_that_match_no_label(frames):
    found = find_unlabelled(stub_detector, frames)
    assert set(found) == {f.path for f in frames}
    for boxes in found.values():
        np.testing.assert_array_equal(boxes, [[100, 60, 140, 72]])


def test_mined_boxes_round_trip_through_csv(frames, tmp_path):
    found = find_unlabelled(stub_detector, frames)
    found[frames[1].path] = np.zeros((0, 4), np.float32)
    write_boxes(tmp_path / "ignored.csv", found)
    back = read_boxes(tmp_path / "ignored.csv", frames)
    np.testing.assert_array_equal(back[frames[0].path], [[100, 60, 140, 72]])
    assert back[frames[1].path].shape == (0, 4)
