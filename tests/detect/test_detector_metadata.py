"""Detector metadata: every field is bounded when the file is read (issue 12, item 8)."""

import pytest

from plateplug.detect.metadata import DetectorMetadata
from plateplug.errors import ModelFileError

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
    ("parameters", "-5"), ("name", ""),
])
def test_out_of_bounds_values_are_rejected_naming_the_file(key, value):
    props = GOOD.to_props()
    props[f"plateplug.{key}"] = value
    with pytest.raises(ModelFileError, match=f"det.onnx has invalid detector metadata.*{key}"):
        DetectorMetadata.from_props(props, source="det.onnx")
