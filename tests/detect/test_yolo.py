"""The built-in 'yolo' detector (also the bench's anchor runner) on tiny ultralytics-style
graphs; the real anchors of ../shared/anchors when present."""

from __future__ import annotations

import json
import re

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

import plateplug
from plateplug import plugins
from plateplug.cli import main
from plateplug.data.boxes import iou
from plateplug.data.frames import read_frames
from plateplug.detect import yolo
from plateplug.detect.yolo import YoloDetector, YoloModel
from plateplug.errors import ModelFileError, PlateplugError
from tests.conftest import SHARED_DATA
from tests.detect.tiny_detectors import build_yolo, dot_frame
from tests.video.videokit import fake_plugin, write_clip

pytest.importorskip("onnxruntime")
RED, BLUE = (0, 0, 255), (255, 0, 0)
BOX = (608, 296, 736, 360)  # the 64 x 32 input-pixel box of the cell holding the square
ANCHORS = SHARED_DATA.parent / "anchors"
ANCHOR_FRAME = "dayride_type1_001_t1206.jpg"  # both anchors box a plate at IoU >= 0.67


def square(colour=RED) -> np.ndarray:
    """A 1280 x 720 frame, one 40 x 40 square at (640, 320): input cell (10, 9)."""
    return dot_frame(x=640, y=320, side=40, colour=colour)


@pytest.mark.parametrize("options", [{}, {"float16": True},
                                     {"float16": True, "extra_rows": 32}])
def test_centred_letterbox_rgb_input_and_decoding(tmp_path, options):
    path = build_yolo(tmp_path / "y.onnx", **options)
    detector = plateplug.load_detector("yolo", device="cpu", path=path)
    assert isinstance(detector, YoloDetector) and detector.name == "yolo"
    found = detector(square())
    assert [d.box for d in found] == [BOX] and found[0].score == pytest.approx(1.0, abs=1e-3)
    assert detector(square(BLUE)) == []  # the graph scores red: the input is RGB


def test_small_frames_are_enlarged_like_ultralytics(tmp_path):
    detector = YoloModel(path=build_yolo(tmp_path / "y.onnx")).load(device="cpu")
    frame = dot_frame(height=160, width=320, x=160, y=80, side=10, colour=RED)
    (found,) = detector(frame)
    assert (found.width, found.height) == (32, 16)  # 64 x 32 input pixels at scale 2


def test_only_the_best_candidates_go_into_nms(tmp_path, monkeypatch):
    detector = YoloModel(path=build_yolo(tmp_path / "y.onnx")).load(device="cpu")
    frame = np.zeros((640, 640, 3), np.uint8)
    for j in range(6):  # six red cells in the bottom row, redder to the right
        frame[608:, 32 * j:32 * j + 32, 2] = 200 + 10 * j
    assert len(detector(frame)) == 6
    monkeypatch.setattr(yolo, "MAX_CANDIDATES", 3)
    assert [d.box[0] for d in detector(frame)] == [144, 112, 80]  # cells 5, 4, 3


def test_yolo_path_string_form_and_errors(tmp_path):
    path = build_yolo(tmp_path / "y.onnx")
    assert [d.box for d in plateplug.load_detector(f"yolo:{path}", device="cpu")(square())] \
        == [BOX]
    assert YoloModel().unavailable_reason() is not None
    with pytest.raises(PlateplugError, match="needs a model file"):
        plateplug.load_detector("yolo")
    with pytest.raises(ModelFileError, match="does not exist"):
        plateplug.load_detector(f"yolo:{tmp_path / 'none.onnx'}")
    with pytest.raises(PlateplugError, match="takes no model file"):
        plateplug.load_detector("haar", path=path)


@pytest.mark.parametrize("options, message", [
    ({"names": "{0: 'car', 1: 'plate'}"}, "2 classes"),
    ({"end2end": True}, "end-to-end"),
])
def test_models_it_cannot_decode_are_refused(tmp_path, options, message):
    with pytest.raises(ModelFileError, match=message):
        YoloModel(path=build_yolo(tmp_path / "y.onnx", **options)).load(device="cpu")


def test_detect_command_takes_yolo_path(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), square())
    path = build_yolo(tmp_path / "y.onnx")
    result = CliRunner().invoke(main, ["detect", str(tmp_path / "a.png"), "--detector",
                                       f"yolo:{path}", "--json", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["box"] == list(BOX)


def test_enhance_video_takes_yolo_path(tmp_path, fresh_plugins):
    plugins.register_module(fake_plugin, "fake-video")
    clip = write_clip(tmp_path / "clip.mp4")
    path = build_yolo(tmp_path / "y.onnx")
    result = CliRunner().invoke(main, ["enhance", "-m", "fake", str(clip), "--detector",
                                       f"yolo:{path}", "-o", str(tmp_path / "out.mp4")])
    assert result.exit_code == 0, result.output
    match = re.search(r"12 frames, (\d+) plates", result.stderr)
    assert match and int(match.group(1)) >= 12


@pytest.mark.skipif(not (ANCHORS / "fastanpr_yolov8n.onnx").is_file()
                    or not (SHARED_DATA / "dashcam").is_dir(),
                    reason="../shared/anchors or ../shared/data/dashcam not present")
@pytest.mark.parametrize("name", ["fastanpr_yolov8n.onnx", "platedet_yolov8s_seg.onnx"])
@pytest.mark.slow
def test_real_anchors_find_a_dashcam_plate(name):
    frame = next(f for f in read_frames(SHARED_DATA / "dashcam", "valid")
                 if f.path.name == ANCHOR_FRAME)
    detector = plateplug.load_detector(f"yolo:{ANCHORS / name}", device="cpu")
    found = detector(frame.read())
    assert found and iou(np.array([d.box for d in found]), frame.box_array()).max() >= 0.5

