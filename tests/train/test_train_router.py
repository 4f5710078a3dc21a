"""``plateplug train-router``: the gate learns sharp from camera-like LR, and the router file it
writes is a routed enhancer."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from click.testing import CliRunner

from plateplug.cli import main
from plateplug.data.crops import load_sources
from plateplug.errors import PlateplugError
from plateplug.models import enhancer_model
from plateplug.routing import RoutedEnhancer, RoutedModel, gate_view
from plateplug.train.data import to_tensor
from plateplug.train.degrade import shrink
from plateplug.train.router import RouterConfig, sample, train_router
from tests.conftest import build_tiny_onnx

pytest.importorskip("onnxruntime")


@pytest.fixture
def enhancers(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "enhancers"
    folder.mkdir()
    return (build_tiny_onnx(folder / "sharp.onnx", name="sharp"),
            build_tiny_onnx(folder / "general.onnx", name="general", blur=True))


def test_a_sharp_sample_is_a_window_of_the_protocol_shrink() -> None:
    image = np.random.default_rng(0).integers(0, 255, (80, 400, 3), np.uint8)
    rng = np.random.default_rng(1)
    window = sample(image, 16, True, rng)
    assert window.shape == (16, 32, 3)
    width = round(400 * 16 / 80)
    lr = shrink(cv2.resize(image, (4 * width, 64), interpolation=cv2.INTER_AREA))
    starts = [x for x in range(width - 31) if np.array_equal(lr[:, x:x + 32], window)]
    assert starts  # the window is one of the clean shrink's
    narrow = sample(image[:, :60], 20, False, rng)  # narrower than twice its height: widened
    assert narrow.shape == (20, 40, 3)
    whole = sample(image, 16, True, rng, view=(48, 16))  # the whole crop, seen as the gate does
    np.testing.assert_array_equal(whole, gate_view(lr, (48, 16)))


@pytest.mark.slow
def test_the_gate_learns_and_its_router_is_an_enhancer(synthetic_plates: Path,
                                                       enhancers: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    sharp, general = enhancers
    path = train_router(RouterConfig(data=[str(synthetic_plates)], sharp=sharp,
                                     general=general, out=tmp_path / "out", steps=400,
                                     batch=16, lr=5e-3, threads=1, seed=3, version="9.9"),
                        log=lambda line: None)
    assert path == tmp_path / "out" / "router.onnx"
    model = enhancer_model(str(path))
    assert isinstance(model, RoutedModel)
    meta = model.metadata()
    assert (meta.sharp, meta.general, meta.version) == ("sharp.onnx", "general.onnx", "9.9")
    assert meta.extra["train_steps"] == "400"
    assert {"val_sharp_clean16", "val_sharp_realistic20"} <= set(meta.extra)
    assert (tmp_path / "out" / "sharp.onnx").read_bytes() == sharp.read_bytes()
    enhancer = model.load("cpu", 1)
    assert isinstance(enhancer, RoutedEnhancer)
    val = load_sources([str(synthetic_plates)], "val")
    rng = np.random.default_rng(7)
    scores: dict[bool, list[float]] = {True: [], False: []}
    for i in range(80):
        is_sharp = i % 2 == 0
        crop = sample(val[i % len(val)].image, int(rng.integers(12, 33)), is_sharp, rng)
        scores[is_sharp].append(float(enhancer.router(crop[None])[0]))
        assert enhancer(crop).shape == (4 * crop.shape[0], 4 * crop.shape[1], 3)
    sharp_scores, camera_scores = np.array(scores[True]), np.array(scores[False])
    auc = (sharp_scores[:, None] > camera_scores[None, :]).mean()
    assert auc >= 0.6  # held-out plates, 400 small steps: sharp LR scores above camera LR


def test_to_tensor_is_rgb_in_zero_to_one() -> None:
    crop = np.zeros((2, 3, 3), np.uint8)
    crop[..., 0] = 255  # blue in BGR
    x = to_tensor([crop])
    assert x.shape == (1, 3, 2, 3) and x.dtype == torch.float32
    assert x[0, 2].min() == 1.0 and x[0, :2].max() == 0.0


def test_bad_configurations_are_refused(synthetic_plates: Path, enhancers: tuple[Path, Path],
                                        tmp_path: Path) -> None:
    sharp, general = enhancers
    base = dict(data=[str(synthetic_plates)], sharp=sharp, general=general, out=tmp_path / "o")
    with pytest.raises(PlateplugError, match="--steps or --minutes"):
        train_router(RouterConfig(**base))  # type: ignore[arg-type]
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "sharp.onnx").write_bytes(general.read_bytes())
    with pytest.raises(PlateplugError, match="share the file name"):
        train_router(RouterConfig(**base | {"general": twin / "sharp.onnx", "steps": 1}))
    x2 = build_tiny_onnx(tmp_path / "x2.onnx", scale=2)
    with pytest.raises(PlateplugError, match="different scales"):
        train_router(RouterConfig(**base | {"general": x2, "steps": 1}))
    small = tmp_path / "small"
    small.mkdir()
    cv2.imwrite(str(small / "a.png"), np.zeros((20, 60, 3), np.uint8))
    with pytest.raises(PlateplugError, match="48 px or taller"):
        train_router(RouterConfig(**base | {"data": [str(small)], "steps": 1}))


def test_the_cli_reports_errors_without_a_traceback(enhancers: tuple[Path, Path],
                                                    synthetic_plates: Path,
                                                    tmp_path: Path) -> None:
    sharp, _ = enhancers
    result = CliRunner().invoke(main, ["train-router", "--data", str(synthetic_plates),
                                       "--sharp", str(sharp), "--general", str(sharp),
                                       "--out", str(tmp_path / "o"), "--steps", "1"])
    assert result.exit_code != 0
    assert "Error: the sharp and general enhancers share the file name" in result.output
    assert "Traceback" not in result.output
