"""Detector metadata: every field is bounded when the file is read (issue 12, item 8)."""

import pytest

from plateplug.detect.metadata import DetectorMetadata
from plateplug.detect.verifier import VerifierMetadata
from plateplug.errors import ModelFileError
from plateplug.metadata import ModelMetadata
from tests.test_metadata import BUILTINS, assert_no_field_at_its_default, file_props

GOOD = DetectorMetadata(name="d", input_size=(640, 384), stride=4)


def test_good_metadata_round_trips():
    assert DetectorMetadata.from_props(GOOD.to_props()) == GOOD


@pytest.mark.parametrize("key,value", [
    ("std", "0,1,1"), ("std", "nan,1,1"), ("mean", "inf,0,0"), ("mean", "nan,0,0"),
    ("stride", "0"), ("stride", "1000"), ("input_size", "640,383"),
    ("input_size", "100000,384"), ("input_size", "-4,384"), ("pad_value", "300"),
    ("score_threshold", "nan"), ("score_threshold", "2"), ("nms_iou", "-0.1"),
    ("max_detections", "0"), ("max_detections", "100000000"), ("scales", "1,0"),
    ("scales", "1000"), ("max_upscale", "inf"), ("scale_min_height", "-1"),
    ("parameters", "-5"), ("name", ""), ("verifier_threshold", "1.5"),
    ("verifier", "../v.onnx"),
])
def test_out_of_bounds_values_are_rejected_naming_the_file(key, value):
    props = GOOD.to_props()
    props[f"plateplug.{key}"] = value
    with pytest.raises(ModelFileError, match=f"det.onnx has invalid detector metadata.*{key}"):
        DetectorMetadata.from_props(props, source="det.onnx")


def test_round_trip_keeps_every_field():
    meta = DetectorMetadata(
        name="d", input_size=(320, 192), stride=8, box_encoding="other", channel_order="RGB",
        mean=(0.4, 0.5, 0.6), std=(0.2, 0.3, 0.4), pad_value=0, score_threshold=0.5,
        nms_iou=0.6, max_detections=7, scales=(1.0, 0.5), max_upscale=2.0,
        scale_min_height=24, verifier="v.onnx", verifier_threshold=0.4, architecture="a",
        parameters=9, version="3", training_data="t")
    assert_no_field_at_its_default(meta)
    props = meta.to_props()
    assert list(props)[0] == "plateplug.task" and props["plateplug.task"] == "detector"
    assert (props["plateplug.input_size"], props["plateplug.scales"]) == ("320,192", "1.0,0.5")
    assert DetectorMetadata.from_props(props) == meta


def test_the_shipped_detector_file_keeps_its_keys_exactly():
    path = BUILTINS / "plate_detector" / "plate_detector.onnx"
    props = file_props(path)
    meta = DetectorMetadata.from_props(props, source=path.name)
    assert meta.to_props() == props
    assert (meta.max_upscale, meta.scales) == (1.0, (1.0, 0.35))  # never enlarges; 2 passes
    older = {k: v for k, v in props.items() if k != "plateplug.max_upscale"}
    assert DetectorMetadata.from_props(older).max_upscale == 16.0  # older files fill the canvas


@pytest.mark.parametrize("key", ["name", "input_size", "stride"])
def test_a_missing_required_key_is_named(key):
    props = {k: v for k, v in GOOD.to_props().items() if k != f"plateplug.{key}"}
    with pytest.raises(ModelFileError, match=f"det.onnx has invalid detector metadata: "
                                             f"{key} is missing"):
        DetectorMetadata.from_props(props, source="det.onnx")


def test_an_enhancer_file_is_not_a_detector():
    props = ModelMetadata(name="m", scale=4).to_props()
    with pytest.raises(ModelFileError, match=r"m.onnx is not a plateplug detector "
                                             r"\(no plateplug.task\)"):
        DetectorMetadata.from_props(props, source="m.onnx")
    with pytest.raises(ModelFileError, match="m.onnx has no plateplug metadata"):
        ModelMetadata.from_props(GOOD.to_props(), source="m.onnx")


def test_the_shipped_verifier_file_keeps_its_keys_exactly():
    detector = BUILTINS / "plate_detector" / "plate_detector.onnx"
    name = DetectorMetadata.from_props(file_props(detector)).verifier
    if name is None:
        pytest.skip("the shipped detector names no verifier")
    props = file_props(detector.with_name(name))
    assert VerifierMetadata.from_props(props, source=name).to_props() == props
