"""The metadata codec (Metadata, driven by dataclass fields) and the enhancer schema."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest

import plateplug
from plateplug.errors import ModelFileError
from plateplug.metadata import (
    IF_ABSENT,
    UPPER_CASE,
    Metadata,
    ModelMetadata,
    TaskMetadata,
    check_image_input,
)
from plateplug.models import OnnxModel
from plateplug.routing import RouterMetadata
from tests.conftest import set_metadata

BUILTINS = Path(plateplug.__file__).parent / "builtin_plugins"


def file_props(path: Path) -> dict[str, str]:
    """The metadata_props of an ONNX file as onnxruntime reads them."""
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return dict(session.get_modelmeta().custom_metadata_map)


def assert_no_field_at_its_default(meta: Metadata) -> None:
    """A round-trip test covers every field only if none keeps its default."""
    for item in dataclasses.fields(meta):
        default = (item.default_factory() if item.default_factory is not dataclasses.MISSING
                   else item.default)
        assert getattr(meta, item.name) != default, item.name


def test_round_trip_keeps_every_field():
    meta = ModelMetadata(name="m", scale=4, channel_order="BGR", mean=(0.5, 0.4, 0.3),
                         std=(0.2, 0.2, 0.25), pad_multiple=4, tile_overlap=24,
                         architecture="a", parameters=123, version="1.0.0",
                         training_data="plates", max_input_height=32, min_input_height=12,
                         precision="int8", extra={"recipe": "l1"})
    assert_no_field_at_its_default(meta)
    assert ModelMetadata.from_props(meta.to_props()) == meta


def test_props_are_written_as_the_shipped_files_have_them():
    props = ModelMetadata(name="m", scale=4, mean=(0, 0.5, 1), min_input_height=12,
                          extra={"frames": "5"}).to_props()
    assert props == {
        "plateplug.format_version": "1", "plateplug.name": "m", "plateplug.scale": "4",
        "plateplug.channel_order": "RGB", "plateplug.mean": "0.0,0.5,1.0",
        "plateplug.std": "1.0,1.0,1.0", "plateplug.pad_multiple": "1",
        "plateplug.tile_overlap": "16", "plateplug.architecture": "",
        "plateplug.parameters": "0", "plateplug.version": "0", "plateplug.training_data": "",
        "plateplug.min_input_height": "12", "plateplug.extra.frames": "5",
    }


@pytest.mark.parametrize("path", sorted(BUILTINS.glob("*/*.onnx")), ids=lambda p: p.name)
def test_shipped_enhancer_and_router_files_keep_their_keys_exactly(path):
    props = file_props(path)
    task = props.get("plateplug.task")
    if task in ("detector", "verifier"):
        pytest.skip("a detector or verifier file (tests/detect/)")
    schema = RouterMetadata if task == "router" else ModelMetadata
    assert schema.from_props(props, source=path.name).to_props() == props


def test_channel_order_is_read_in_any_case():
    props = ModelMetadata(name="m", scale=4).to_props() | {"plateplug.channel_order": "bgr"}
    assert ModelMetadata.from_props(props).channel_order == "BGR"


def test_input_heights_are_optional():
    props = ModelMetadata(name="m", scale=4).to_props()
    assert "plateplug.max_input_height" not in props
    meta = ModelMetadata.from_props(props)
    assert meta.max_input_height is None and meta.min_input_height is None


def test_missing_metadata_names_the_file():
    with pytest.raises(ModelFileError, match=r"weights.onnx has no plateplug metadata "
                                             r"\(name, scale\)"):
        ModelMetadata.from_props({"other": "1"}, source="weights.onnx")
    with pytest.raises(ModelFileError, match="has no plateplug metadata"):
        ModelMetadata.from_props({"plateplug.name": "m"})  # scale missing


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


@pytest.mark.parametrize("key,value,message", [
    ("scale", "four", "scale='four' is not an integer"),
    ("std", "1,1,x", "std='1,1,x' is not a number"),
    ("mean", "1,2", "mean='1,2' is not 3 comma-separated values"),
    ("mean", "0,0,0,0", "mean='0,0,0,0' is not 3 comma-separated values"),
])
def test_unreadable_values_are_named(key, value, message):
    props = ModelMetadata(name="m", scale=4).to_props() | {f"plateplug.{key}": value}
    with pytest.raises(ModelFileError, match=f"m.onnx has invalid plateplug metadata: {message}"):
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


@dataclass(frozen=True)
class Gadget(Metadata):
    """A schema of another kind of file, written only through the codec's field rules."""

    HEADER: ClassVar[dict[str, str]] = {"task": "gadget"}
    LABEL: ClassVar[str] = "gadget"
    name: str
    size: tuple[int, int]
    weights: tuple[float, ...] = (1.0,)
    mode: str = field(default="AB", metadata=UPPER_CASE)
    limit: float | None = None
    span: tuple[float, float] | None = None
    level: int = field(default=1, metadata={IF_ABSENT: 7})
    architecture: str = ""
    parameters: int = 0
    version: str = "0"
    training_data: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.level > 9:
            raise ValueError(f"level={self.level} is above 9")


def test_a_new_schema_gets_the_codec_from_its_fields():
    gadget = Gadget(name="g", size=(3, 4), weights=(0.5, 2.0, 3.0), mode="CD", limit=1.5,
                    span=(1.0, 2.5), level=2, architecture="a", parameters=5, version="2",
                    training_data="t", notes={"why": "test"})
    assert_no_field_at_its_default(gadget)
    props = gadget.to_props()
    assert list(props)[0] == "plateplug.task"
    assert (props["plateplug.size"], props["plateplug.weights"]) == ("3,4", "0.5,2.0,3.0")
    assert props["plateplug.span"] == "1.0,2.5"  # an optional tuple: written and read as one
    assert props["plateplug.notes.why"] == "test"
    assert Gadget.from_props(props) == gadget
    assert "plateplug.limit" not in Gadget(name="g", size=(1, 1)).to_props()  # None: left out


def test_absent_keys_take_the_default_or_their_if_absent_value():
    parsed = Gadget.from_props({"plateplug.name": "g", "plateplug.size": "1,2",
                                "plateplug.mode": "xy"})
    assert parsed == Gadget(name="g", size=(1, 2), mode="XY", level=7)


@pytest.mark.parametrize("props,message", [
    ({"plateplug.name": "g"}, "g.bin has no plateplug metadata \\(name, size\\)"),
    ({"plateplug.name": "g", "plateplug.size": "1"},
     "g.bin has invalid gadget metadata: size='1' is not 2 comma-separated values"),
    ({"plateplug.name": "g", "plateplug.size": "1,2", "plateplug.limit": "high"},
     "g.bin has invalid gadget metadata: limit='high' is not a number"),
    ({"plateplug.name": "g", "plateplug.size": "1,2", "plateplug.level": "12"},
     "g.bin has invalid gadget metadata: level=12 is above 9"),
])
def test_codec_errors_name_the_file_and_the_field(props, message):
    with pytest.raises(ModelFileError, match=message):
        Gadget.from_props(props, source="g.bin")



@dataclass(frozen=True)
class Probe(TaskMetadata):
    """A schema of a file that names its task, as the detector, verifier and router do."""

    TASK: ClassVar[str] = "probe"
    name: str
    channel_order: str = "BGR"
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    architecture: str = ""
    parameters: int = 0
    version: str = "0"
    training_data: str = ""

    def __post_init__(self) -> None:
        check_image_input(self)


def test_a_task_schema_writes_its_task_first_and_knows_its_files_by_it():
    props = Probe(name="p").to_props()
    assert list(props)[0] == "plateplug.task" and props["plateplug.task"] == "probe"
    assert Probe.from_props(props) == Probe(name="p")
    with pytest.raises(ModelFileError,
                       match=r"x.onnx is not a plateplug probe \(no plateplug.task\)"):
        Probe.from_props(props | {"plateplug.task": "detector"}, source="x.onnx")
    with pytest.raises(ModelFileError, match="is not a plateplug probe"):
        Probe.from_props({"plateplug.name": "p"})  # its fields alone do not make it one


@pytest.mark.parametrize("values,message", [
    ({"name": " "}, "name=' ' must be a non-empty string"),
    ({"channel_order": "GBR"}, "channel_order='GBR' must be RGB or BGR"),
    ({"std": (1.0, 0.0, 1.0)}, "std=0.0 is outside"),
    ({"mean": (0.0, 0.0)}, "need three values each"),
    ({"parameters": -1}, "parameters=-1 is outside"),
])
def test_a_task_schema_checks_its_input_fields(values, message):
    with pytest.raises(ValueError, match=message):
        Probe(**({"name": "p"} | values))


def test_precision_is_int8_fp32_or_not_stated():
    assert ModelMetadata(name="m", scale=4).precision is None
    assert "plateplug.precision" not in ModelMetadata(name="m", scale=4).to_props()
    with pytest.raises(ValueError, match="precision must be one of fp32, int8, got 'fp16'"):
        ModelMetadata(name="m", scale=4, precision="fp16")
