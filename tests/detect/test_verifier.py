"""The plate verifier: context crops, its metadata, and a detector dropping the boxes a tiny
verifier graph rejects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from plateplug.detect import OnnxDetectorModel
from plateplug.detect.verifier import VerifierMetadata, context_crop, load_verifier
from plateplug.errors import ModelFileError
from tests.detect.tiny_detectors import build_centernet, dot_frame
from tests.test_metadata import assert_no_field_at_its_default


def build_verifier(path: Path, **meta: object) -> Path:
    """A verifier graph scoring sigmoid(20 * (mean red of the crop - 0.3)): crops mostly red
    pass, others do not."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    inits = [numpy_helper.from_array(np.array(v, np.float32), k)
             for k, v in (("offset", 0.3), ("gain", 20.0))]
    inits += [numpy_helper.from_array(np.array(v, np.int64), k)
              for k, v in (("s2", [2]), ("s3", [3]), ("axis", [1]))]
    nodes = [
        helper.make_node("Slice", ["image", "s2", "s3", "axis"], ["red"]),
        helper.make_node("ReduceMean", ["red"], ["mean"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("Sub", ["mean", "offset"], ["centred"]),
        helper.make_node("Mul", ["centred", "gain"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["flat"]),
        helper.make_node("Unsqueeze", ["flat", "axis"], ["plate"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_verifier",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", 3, 32, 96])],
        [helper.make_tensor_value_info("plate", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    fields: dict = {"name": "tiny-verifier"} | meta
    for key, value in VerifierMetadata(**fields).to_props().items():
        model.metadata_props.add(key=key, value=value)
    onnx.save(model, str(path))
    return path


def test_context_crop_centres_the_box_with_its_surroundings():
    frame = np.zeros((200, 300, 3), np.uint8)
    frame[100:120, 100:160] = 255  # a 60 x 20 box: window 90 x 30 (1.5x), 96 x 32 crop
    crop = context_crop(frame, (100, 100, 160, 120))
    assert crop.shape == (32, 96, 3)
    assert crop[6:26, 20:76].min() == 255
    assert crop[:, :12].max() == 0 and crop[:, -12:].max() == 0 and crop[:3].max() == 0


def test_context_crop_widens_tall_boxes_to_the_input_aspect_and_repeats_edges():
    frame = np.full((50, 50, 3), 90, np.uint8)
    crop = context_crop(frame, (0, 0, 10, 30))  # 45 px tall window -> 135 x 45, mostly outside
    assert crop.shape == (32, 96, 3) and crop.min() == 90 and crop.max() == 90
    assert context_crop(frame, (60, 60, 70, 70)).max() == 0  # entirely outside: blank


def test_verifier_metadata_round_trips_and_is_bounded():
    meta = VerifierMetadata(name="v", input_size=(64, 16), context=2.0, channel_order="RGB",
                            mean=(0.1, 0.2, 0.3), std=(0.5, 0.5, 0.5), architecture="a",
                            parameters=3, version="2", training_data="t")
    assert_no_field_at_its_default(meta)
    assert VerifierMetadata.from_props(meta.to_props()) == meta
    with pytest.raises(ModelFileError, match="v.onnx has invalid verifier metadata.*context"):
        VerifierMetadata.from_props(meta.to_props() | {"plateplug.context": "0.5"}, "v.onnx")
    with pytest.raises(ModelFileError, match="v.onnx is not a plateplug verifier"):
        VerifierMetadata.from_props({"plateplug.name": "v"}, "v.onnx")


def test_verifier_scores_each_box(tmp_path):
    pytest.importorskip("onnxruntime")
    verifier = load_verifier(build_verifier(tmp_path / "v.onnx"), device="cpu")
    frame = np.zeros((100, 200, 3), np.uint8)
    frame[:, 100:, 2] = 255  # right half red
    scores = verifier(frame, np.array([[140, 40, 170, 50], [20, 40, 50, 50]], np.float32))
    assert scores.shape == (2,) and scores[0] > 0.99 and scores[1] < 0.01
    assert verifier(frame, np.zeros((0, 4), np.float32)).shape == (0,)


def red_surround(frame: np.ndarray, x: int, y: int) -> None:
    frame[y - 40:y + 48, x - 80:x + 88, 2] = 255


@pytest.mark.parametrize("named", [True, False])
def test_detector_keeps_only_the_boxes_its_verifier_accepts(tmp_path, named):
    pytest.importorskip("onnxruntime")
    build_verifier(tmp_path / "v.onnx")
    extra = {"verifier": "v.onnx", "verifier_threshold": 0.5} if named else {}
    path = build_centernet(tmp_path / "d.onnx", **extra)
    detector = OnnxDetectorModel("tiny", path).load(device="cpu")
    frame = dot_frame(colour=(255, 0, 0))  # blue dot: the tiny detector's first channel
    frame[200:208, 200:208] = (255, 0, 0)
    red_surround(frame, 608, 384)
    centres = sorted(((x1 + x2) // 2, (y1 + y2) // 2) for (x1, y1, x2, y2) in
                     (d.box for d in detector(frame)))
    assert centres == ([(612, 388)] if named else [(204, 204), (612, 388)])


def test_a_box_the_verifier_rejects_hides_no_box_of_another_pass(tmp_path):
    pytest.importorskip("onnxruntime")
    build_verifier(tmp_path / "v.onnx")
    path = build_centernet(tmp_path / "d.onnx", scales=(1.0, 0.8), verifier="v.onnx",
                           verifier_threshold=0.5)
    detector = OnnxDetectorModel("tiny", path).load(device="cpu")
    frame = dot_frame(colour=(255, 0, 0))
    frame[364:384, 540:684, 2] = 255  # 42% of the first pass's crop, 27% of the second's
    assert [d.box for d in detector(frame)] == [(580, 372, 644, 404)]


def test_a_named_verifier_that_is_missing_is_a_model_file_error(tmp_path):
    pytest.importorskip("onnxruntime")
    path = build_centernet(tmp_path / "d.onnx", verifier="absent.onnx", verifier_threshold=0.5)
    with pytest.raises(ModelFileError, match="absent.onnx does not exist"):
        OnnxDetectorModel("tiny", path).load(device="cpu")
