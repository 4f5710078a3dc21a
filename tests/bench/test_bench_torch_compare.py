"""onnxruntime vs torch on the same weights: a tiny resnet checkpoint and its ONNX export."""

from pathlib import Path

import numpy as np
import pytest

import plateplug
from plateplug import plugins
from plateplug.bench.environment import environment
from plateplug.bench.report import write_report
from plateplug.bench.runner import BenchConfig, run_bench
from plateplug.bench.torch_compare import compare_with_torch, load_checkpoint
from plateplug.errors import PlateplugError
from plateplug.models import OnnxModel
from tests.bench.conftest import CubicEnhancer, text_crop

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
ARCH = {"num_feat": 4, "num_block": 1, "scale": 4}


def tiny_resnet(tmp_path: Path) -> tuple[Path, Path]:
    """A random small PlateResNet: a training checkpoint and its ONNX export."""
    from plateplug.train import checkpoint
    from plateplug.train.export import export_model, metadata_for
    from plateplug.train.recipes import load_recipe

    torch.manual_seed(0)
    recipe = load_recipe("resnet")
    model = recipe.build(**ARCH).eval()
    ckpt = tmp_path / "last.pt"
    checkpoint.save(ckpt, {"model_name": "resnet", "arch": ARCH, "model": model.state_dict()})
    path = export_model(model, tmp_path / "resnet.onnx", metadata_for(recipe, model, {}))
    return ckpt, path


@pytest.fixture
def resnet_checkpoint(tmp_path, fake_plugin, fast_speed, monkeypatch):
    """The built-in resnet, pointed at a tiny export; returns the matching checkpoint."""
    ckpt, path = tiny_resnet(tmp_path)
    fake_plugin()
    monkeypatch.setattr(plugins.lookup("enhancer", "resnet"), "item", OnnxModel("resnet", path))
    return ckpt


@pytest.mark.slow
def test_same_weights_same_output(resnet_checkpoint):
    name, module = load_checkpoint(resnet_checkpoint)
    assert name == "resnet"
    crop = text_crop("AB1")[::3, ::3].copy()
    report = compare_with_torch(plateplug.load("resnet", device="cpu"), module,
                                resnet_checkpoint, crop, [crop, crop])
    assert report["max_abs_diff"] <= 1
    assert report["onnxruntime"]["ms_per_crop"] > 0 and report["torch"]["ms_per_crop"] > 0
    assert report["torch"]["providers"][0].startswith("torch")


def test_bad_checkpoints_are_refused(tmp_path, resnet_checkpoint, monkeypatch):
    with pytest.raises(PlateplugError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.pt")
    state = tmp_path / "state.pt"
    torch.save({"weight": torch.zeros(1)}, str(state))
    with pytest.raises(PlateplugError, match="not a plateplug training checkpoint"):
        load_checkpoint(state)
    torch.save({"model_name": "resnet", "arch": ARCH, "model": {}}, str(state))
    with pytest.raises(PlateplugError, match="does not fit the resnet architecture"):
        load_checkpoint(state)
    name, module = load_checkpoint(resnet_checkpoint)
    crop = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(PlateplugError, match="not an ONNX enhancer"):
        compare_with_torch(CubicEnhancer(), module, resnet_checkpoint, crop, [crop])
    monkeypatch.undo()  # the shipped resnet again: two files behind a gate
    with pytest.raises(PlateplugError, match="routes crops between two ONNX files"):
        compare_with_torch(plateplug.load("resnet", device="cpu"), module, resnet_checkpoint,
                           crop, [crop])


@pytest.mark.slow
def test_bench_runs_the_comparison(plate_dir, resnet_checkpoint, tmp_path):
    config = BenchConfig(data=plate_dir, models=["resnet"], lr_heights=(16,),
                         tracks=("clean",), ocr=None, device="cpu",
                         torch_compare=[resnet_checkpoint])
    result = run_bench(config)
    assert [c["model"] for c in result.torch_compare] == ["resnet"]
    write_report(result, environment(), tmp_path / "report")
    md = (tmp_path / "report" / "report.md").read_text()
    assert "## onnxruntime vs torch, same weights" in md and "threads)" in md
    config.models = ["cubic"]
    result = run_bench(config)
    assert not result.torch_compare
    assert any("'resnet' was not measured" in n for n in result.notes)
