"""OnnxDetector passes: letterbox without enlarging, trimmed canvases and extra scales for
graphs with dynamic height and width, one pass for fixed dimensions (tiny graphs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import plateplug
from plateplug.detect import OnnxDetectorModel
from plateplug.detect.onnx_detector import scaled_size
from plateplug.errors import ModelFileError
from tests.detect.tiny_detectors import build_centernet, dot_frame

pytest.importorskip("onnxruntime")
MAIN_BOX = (580, 372, 644, 404)  # the dot of dot_frame() at scale 0.5: 32 x 16 canvas px
SMALL_BOX = (496, 336, 752, 464)  # the same dot at scale 0.125 (canvas 160 x 96)


class Recorder:
    """Wraps a session and records the shape of every input it runs on."""

    def __init__(self, session):
        self.session, self.shapes = session, []

    def run(self, names, feeds):
        self.shapes.append(next(iter(feeds.values())).shape)
        return self.session.run(names, feeds)


def load(path: Path, **meta):
    detector = OnnxDetectorModel("tiny", build_centernet(path, **meta)).load(device="cpu")
    detector.session = Recorder(detector.session)
    return detector


def boxes(detector, frame: np.ndarray) -> list[tuple[int, int, int, int]]:
    return [d.box for d in detector(frame)]


def test_one_pass_without_scales_key(tmp_path):
    detector = load(tmp_path / "d.onnx")
    assert boxes(detector, dot_frame()) == [MAIN_BOX]
    assert detector.session.shapes == [(1, 3, 384, 640)]


def test_small_pass_adds_large_boxes_mapped_back_to_the_frame(tmp_path):
    detector = load(tmp_path / "d.onnx", scales=(1.0, 0.25))
    assert detector.canvases() == [(640, 384), (160, 96)]
    assert sorted(boxes(detector, dot_frame())) == sorted([MAIN_BOX, SMALL_BOX])
    assert detector.session.shapes == [(1, 3, 384, 640), (1, 3, 96, 160)]


def test_small_pass_keeps_only_boxes_at_least_scale_min_height(tmp_path):
    detector = load(tmp_path / "d.onnx", scales=(1.0, 0.25), scale_min_height=17)
    assert boxes(detector, dot_frame()) == [MAIN_BOX]


def test_passes_finding_the_same_plate_merge_into_the_later_pass_box(tmp_path):
    detector = load(tmp_path / "d.onnx", scales=(1.0, 0.8))
    assert detector.canvases() == [(640, 384), (512, 320)]
    assert boxes(detector, dot_frame()) == [(575, 365, 655, 405)]  # 32 x 16 at scale 0.4
    assert len(detector.session.shapes) == 2


def test_fixed_dimensions_run_one_pass_whatever_the_scales(tmp_path):
    detector = load(tmp_path / "d.onnx", dynamic=False, scales=(1.0, 0.25))
    assert detector.canvases() == [(640, 384)]
    assert boxes(detector, dot_frame()) == [MAIN_BOX]
    assert detector.session.shapes == [(1, 3, 384, 640)]


@pytest.mark.parametrize("dynamic, canvas", [(True, (1, 3, 192, 320)),
                                             (False, (1, 3, 384, 640))])
def test_small_frames_are_not_enlarged_by_default(tmp_path, dynamic, canvas):
    detector = load(tmp_path / "d.onnx", dynamic=dynamic)
    found = detector(dot_frame(180, 320, x=160, y=96))
    assert [(d.width, d.height) for d in found] == [(32, 16)]  # scale 1: canvas pixels
    assert detector.session.shapes == [canvas]  # dynamic: trimmed to the frame


def test_max_upscale_enlarges_small_frames(tmp_path):
    detector = load(tmp_path / "d.onnx", max_upscale=2.0)
    found = detector(dot_frame(180, 320, x=160, y=96))
    assert found and {(d.width, d.height) for d in found} == {(16, 8)}  # scale 2
    assert detector.session.shapes == [(1, 3, 384, 640)]


def test_files_without_max_upscale_still_fill_the_canvas(tmp_path):
    detector = load(tmp_path / "d.onnx", dynamic=False, without=("max_upscale",))
    found = detector(dot_frame(180, 320, x=160, y=96))
    assert found and {(d.width, d.height) for d in found} == {(16, 8)}  # scale 2 = 640/320


@pytest.mark.parametrize("width, height", [(400, 1200), (1920, 1080), (1200, 400)])
def test_any_frame_size_and_aspect(tmp_path, width, height):
    detector = load(tmp_path / "d.onnx", scales=(1.0, 0.35))
    found = detector(dot_frame(height, width, x=width // 2, y=height // 2, side=16))
    centre = (width // 2 + 8, height // 2 + 8)
    assert found
    for d in found:
        assert abs((d.box[0] + d.box[2]) / 2 - centre[0]) <= 0.1 * width
        assert abs((d.box[1] + d.box[3]) / 2 - centre[1]) <= 0.1 * height
    for shape in detector.session.shapes:
        assert shape[2] % 32 == 0 and shape[3] % 32 == 0
        assert shape[2] <= 384 and shape[3] <= 640


def test_plateplug_detector_reads_another_file_by_name_colon_path(tmp_path):
    path = build_centernet(tmp_path / "d.onnx", scales=(1.0, 0.25))
    detector = plateplug.load_detector(f"plateplug:{path}", device="cpu")
    assert detector.name == "tiny" and len(detector(dot_frame())) == 2
    with pytest.raises(ModelFileError, match="does not exist"):
        plateplug.load_detector("plateplug", path=tmp_path / "none.onnx")


def test_scaled_size_rounds_to_multiples():
    assert scaled_size((640, 384), 1.0, 32) == (640, 384)
    assert scaled_size((896, 512), 0.35, 32) == (320, 192)
    assert scaled_size((640, 384), 0.01, 32) == (32, 32)
