import pytest

from plateplug.errors import ModelFileError
from plateplug.metadata import ModelMetadata
from plateplug.models import OnnxModel
from tests.conftest import set_metadata


def test_round_trip_keeps_every_field():
    meta = ModelMetadata(name="m", scale=4, channel_order="BGR", mean=(0.5, 0.4, 0.3),
                         std=(0.2, 0.2, 0.25), pad_multiple=4, tile_overlap=24,
                         architecture="a", parameters=123, version="1.0.0",
                         training_data="plates", max_input_height=32, min_input_height=12,
                         extra={"recipe": "l1"})
    assert ModelMetadata.from_props(meta.to_props()) == meta


def test_input_heights_are_optional():
    props = ModelMetadata(name="m", scale=4).to_props()
    assert "plateplug.max_input_height" not in props
    meta = ModelMetadata.from_props(props)
    assert meta.max_input_height is None and meta.min_input_height is None


def test_missing_metadata_names_the_file():
    with pytest.raises(ModelFileError, match="weights.onnx has no plateplug metadata"):
        ModelMetadata.from_props({"other": "1"}, source="weights.onnx")


@pytest.mark.parametrize("key,value", [("plateplug.scale", "four"),
                                       ("plateplug.mean", "1,2"),
                                       ("plateplug.channel_order", "XYZ"),
                                       ("plateplug.scale", "0")])
def test_invalid_values_are_rejected(key, value):
    props = ModelMetadata(name="m", scale=4).to_props()
    props[key] = value
    with pytest.raises(ModelFileError, match="invalid plateplug metadata"):
        ModelMetadata.from_props(props, source="m.onnx")


@pytest.mark.parametrize("key,value", [
    ("std", "0,1,1"), ("std", "nan,1,1"), ("std", "inf,1,1"), ("mean", "nan,0,0"),
    ("mean", "-inf,0,0"), ("tile_overlap", "-1"), ("tile_overlap", "100000"),
    ("pad_multiple", "100000"), ("pad_multiple", "0"), ("scale", "100000"),
    ("parameters", "-1"), ("name", " "), ("max_input_height", "0"),
    ("max_input_height", "tall"), ("min_input_height", "-3"),
])
def test_out_of_bounds_values_are_rejected_naming_the_field(key, value):
    props = ModelMetadata(name="m", scale=4).to_props()
    props[f"plateplug.{key}"] = value
    with pytest.raises(ModelFileError, match=f"m.onnx has invalid plateplug metadata: {key}"):
        ModelMetadata.from_props(props, source="m.onnx")


def test_a_minimum_above_the_maximum_height_is_rejected():
    props = ModelMetadata(name="m", scale=4, max_input_height=20).to_props()
    props["plateplug.min_input_height"] = "30"
    with pytest.raises(ModelFileError, match="min_input_height=30 is above max_input_height"):
        ModelMetadata.from_props(props, source="m.onnx")


def test_a_model_file_with_zero_std_fails_when_it_loads(tiny_onnx):
    path = set_metadata(tiny_onnx("zero_std.onnx"), std="0,0,0")
    with pytest.raises(ModelFileError, match="zero_std.onnx has invalid .* std=0.0"):
        OnnxModel("z", path).load(device="cpu")
