"""Routed enhancers: a router file (a gate) sends each crop to one of two enhancer files."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from plateplug import plugins
from plateplug.errors import InvalidImageError, ModelFileError, ModelNotTrainedError
from plateplug.models import OnnxModel, enhancer_model, load_enhancer
from plateplug.routing import (
    RoutedEnhancer,
    RoutedModel,
    RouterMetadata,
    gate_view,
    is_router_file,
)
from tests.conftest import build_tiny_onnx, plate_like, register_in_code, set_metadata

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")


def build_router(path: Path, sharp: str = "sharp.onnx", general: str = "general.onnx",
                 threshold: float = 0.5, view: tuple[int, int] | None = None) -> Path:
    """A fixed gate: a crop is 'sharp' when its mean brightness is above one half."""
    from onnx import TensorProto, helper, numpy_helper

    consts = [numpy_helper.from_array(np.array(v, np.float32), n)
              for n, v in (("half", 0.5), ("gain", 50.0))]
    consts.append(numpy_helper.from_array(np.array([-1, 1], np.int64), "shape"))
    nodes = [
        helper.make_node("ReduceMean", ["lr"], ["mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Sub", ["mean", "half"], ["centred"]),
        helper.make_node("Mul", ["centred", "gain"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p"]),
        helper.make_node("Reshape", ["p", "shape"], ["sharp"]),
    ]
    graph = helper.make_graph(
        nodes, "gate", [helper.make_tensor_value_info("lr", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info("sharp", TensorProto.FLOAT, ["n", 1])], consts)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    meta = RouterMetadata(name="routed", sharp=sharp, general=general, threshold=threshold,
                          view=view, parameters=2, version="2.0.0")
    for key, value in meta.to_props().items():
        model.metadata_props.add(key=key, value=value)
    onnx.save(model, str(path))
    return path


@pytest.fixture
def routed(tmp_path: Path) -> Path:
    """A router beside two tiny enhancers: 'sharp' enlarges by nearest neighbour, 'general'
    blurs first, so their outputs differ."""
    build_tiny_onnx(tmp_path / "sharp.onnx", name="sharp")
    build_tiny_onnx(tmp_path / "general.onnx", name="general", blur=True)
    return build_router(tmp_path / "router.onnx")


def crops() -> list[np.ndarray]:
    """Two bright crops and two dark ones, all of one size bucket."""
    bright = [np.clip(plate_like(20, 60, seed).astype(int) + 120, 0, 255).astype(np.uint8)
              for seed in (1, 2)]
    dark = [(plate_like(20, 60, seed) // 4).astype(np.uint8) for seed in (3, 4)]
    return [bright[0], dark[0], bright[1], dark[1]]


def test_each_crop_goes_through_the_enhancer_its_gate_picks(routed: Path) -> None:
    model = enhancer_model(str(routed))
    assert isinstance(model, RoutedModel)
    enhancer = model.load("cpu", 1)
    assert isinstance(enhancer, RoutedEnhancer) and enhancer.scale == 4
    assert enhancer.metadata is not None and enhancer.metadata.name == "general"
    # the gate runs on one thread: idle threads of its own would spin against the enhancer's
    assert enhancer.router.session.get_session_options().intra_op_num_threads == 1
    sharp = OnnxModel("s", routed.parent / "sharp.onnx").load("cpu", 1)
    general = OnnxModel("g", routed.parent / "general.onnx").load("cpu", 1)
    batch = crops()
    assert list(enhancer.router.is_sharp(np.stack(batch))) == [True, False, True, False]
    out = enhancer.enhance_batch(batch)
    for crop, got, expected in zip(batch, out, [sharp, general, sharp, general]):
        np.testing.assert_array_equal(got, expected(crop))
        np.testing.assert_array_equal(enhancer(crop), got)  # one at a time: the same
    assert not np.array_equal(sharp(batch[1]), general(batch[1]))


def test_a_batch_all_on_one_side_runs_one_enhancer(routed: Path) -> None:
    enhancer = enhancer_model(str(routed)).load("cpu", 1)
    dark = [c for c, bright in zip(crops(), (1, 0, 1, 0)) if not bright]
    general = OnnxModel("g", routed.parent / "general.onnx").load("cpu", 1)
    for got, crop in zip(enhancer.enhance_batch(dark), dark):
        np.testing.assert_array_equal(got, general(crop))


def test_the_threshold_moves_crops_between_enhancers(tmp_path: Path, routed: Path) -> None:
    lenient = build_router(tmp_path / "lenient.onnx", threshold=0.0)
    enhancer = enhancer_model(str(lenient)).load("cpu", 1)
    assert enhancer.router.is_sharp(np.stack(crops())).all()


def test_a_missing_enhancer_file_means_not_trained(routed: Path) -> None:
    (routed.parent / "sharp.onnx").unlink()
    model = enhancer_model(str(routed))
    missing = routed.parent / "sharp.onnx"
    assert model.unavailable_reason() == f"not trained yet: no weights at {missing}"
    assert model.info() == {}
    with pytest.raises(ModelNotTrainedError, match="sharp.onnx"):
        model.load("cpu")


def test_int8_routes_between_the_int8_copies(routed: Path) -> None:
    model = RoutedModel("routed", routed)
    int8 = model.int8()
    assert int8.name == "routed-int8"
    assert "routed-int8" not in str(int8.unavailable_reason())
    assert "sharp-int8.onnx" in str(int8.unavailable_reason())
    for name in ("sharp", "general"):
        shutil.copyfile(routed.parent / f"{name}.onnx", routed.parent / f"{name}-int8.onnx")
    assert int8.unavailable_reason() is None
    assert isinstance(int8.load("cpu", 1), RoutedEnhancer)


def test_info_adds_up_the_three_files(routed: Path) -> None:
    info = RoutedModel("routed", routed).info()
    one = OnnxModel("s", routed.parent / "sharp.onnx").info()
    assert info["scale"] == 4 and info["version"] == "2.0.0"
    assert info["parameters"] == 2 * one["parameters"] + 2
    assert info["routes"] == "sharp.onnx / general.onnx"
    sizes = sum(p.stat().st_size for p in routed.parent.glob("*.onnx"))
    assert info["file_size"] == sizes


def test_with_path_reads_another_router(tmp_path: Path, routed: Path) -> None:
    other = build_router(tmp_path / "other.onnx", threshold=0.25)
    moved = RoutedModel("routed", routed).with_path(other)
    assert moved.path == other and moved.metadata().threshold == 0.25
    with pytest.raises(ModelFileError, match="does not exist"):
        RoutedModel("routed", routed).with_path(tmp_path / "none.onnx")


def test_enhancers_of_different_scales_are_refused(tmp_path: Path, routed: Path) -> None:
    build_tiny_onnx(tmp_path / "sharp.onnx", scale=2, name="sharp")
    with pytest.raises(ModelFileError, match="scales 2 and 4"):
        enhancer_model(str(routed)).load("cpu", 1)


def test_a_router_names_files_beside_it_only(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="beside the router"):
        RouterMetadata(name="r", sharp="../elsewhere.onnx", general="g.onnx")
    path = set_metadata(build_router(tmp_path / "r.onnx"), sharp="sub/s.onnx")
    with pytest.raises(ModelFileError, match="invalid router metadata"):
        RoutedModel("r", path).metadata()


def test_only_router_files_are_routers(tmp_path: Path, routed: Path) -> None:
    assert is_router_file(routed)
    plain = routed.parent / "sharp.onnx"
    assert not is_router_file(plain)
    assert type(enhancer_model(str(plain))) is OnnxModel


@pytest.mark.usefixtures("fresh_plugins")
def test_a_plugin_registers_a_routed_model_like_any_enhancer(routed: Path) -> None:
    register_in_code("routing_test", enhancers=(RoutedModel("routed-test", routed),))
    assert plugins.lookup("enhancer", "routed-test").plugin == "routing_test"
    assert isinstance(load_enhancer("routed-test", "cpu", 1), RoutedEnhancer)


def test_a_gate_view_resizes_without_blur_of_its_own() -> None:
    crop = plate_like(20, 60, 5)
    assert gate_view(crop, None) is crop
    smaller = gate_view(crop, (48, 16))
    assert smaller.shape == (16, 48, 3)
    np.testing.assert_array_equal(smaller, cv2.resize(crop, (48, 16), interpolation=cv2.INTER_AREA))
    larger = gate_view(crop[:12, :40], (48, 16))  # enlarged: nearest neighbour, no new values
    assert larger.shape == (16, 48, 3)
    assert set(np.unique(larger)) <= set(np.unique(crop[:12, :40]))


def test_a_router_with_a_view_judges_the_resized_crops(tmp_path: Path, routed: Path) -> None:
    viewed = build_router(tmp_path / "viewed.onnx", view=(8, 4))
    enhancer = enhancer_model(str(viewed)).load("cpu", 1)
    assert enhancer.router.metadata.view == (8, 4)
    assert list(enhancer.router.is_sharp(np.stack(crops()))) == [True, False, True, False]
    with pytest.raises(ValueError, match="view"):
        RouterMetadata(name="r", sharp="s.onnx", general="g.onnx", view=(0, 16))


def test_a_batch_equals_one_crop_at_a_time_for_every_layout_and_size(routed: Path) -> None:
    """Grey crops, several size buckets and an image large enough to be tiled, in one call."""
    enhancer = enhancer_model(str(routed)).load("cpu", 1)
    bright, dark = crops()[:2]
    large = np.tile(bright, (4, 6, 1))  # 80 x 360: tiled, each tile routed on its own
    batch = [bright, cv2.cvtColor(dark, cv2.COLOR_BGR2GRAY), bright[:14, :41], large, dark]
    for got, crop in zip(enhancer.enhance_batch(batch), batch):
        np.testing.assert_array_equal(got, enhancer(crop))
    assert enhancer.enhance_batch([]) == []


def test_a_bad_crop_in_a_batch_is_named(routed: Path) -> None:
    enhancer = enhancer_model(str(routed)).load("cpu", 1)
    with pytest.raises(InvalidImageError, match=r"crops\[1\] must have dtype uint8"):
        enhancer.enhance_batch([crops()[0], np.zeros((20, 60, 3), np.float32)])
