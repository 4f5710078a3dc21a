"""ONNX export: metadata contract, dynamic sizes, torch/onnxruntime parity (odd sizes too)."""

import numpy as np
import pytest

from plateplug.models import enhancer_model
from plateplug.routing import RoutedModel
from plateplug.runtime import read_metadata

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.metadata import ModelMetadata  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.export import (  # noqa: E402
    export_checkpoint,
    export_model,
    load_generator,
    metadata_for,
)
from plateplug.train.recipes import load_recipe  # noqa: E402

SIZES = [(1, 3, 20, 60), (2, 3, 13, 37), (1, 3, 9, 11), (1, 3, 1, 1)]


@pytest.mark.parametrize("name", ["unet", "resnet", "srgan", "mfsr"])
def test_each_recipe_stamps_the_version_of_its_shipped_file(name):
    """Versions are per model: exporting one never relabels another (bumped when it ships).
    A routed model (resnet since 1.8.0) has its own version; its two files, the recipe's."""
    model = enhancer_model(name)
    if isinstance(model, RoutedModel):
        files = model.files(model.metadata())
        assert [read_metadata(f).version for f in files] == [load_recipe(name).version] * 2
    else:
        assert load_recipe(name).version == model.metadata().version


def _checkpoint(tmp_path, name: str, **arch):
    torch.manual_seed(0)
    recipe = load_recipe(name)
    arch = {**recipe.arch, **arch}
    model = recipe.build(**arch)
    with torch.no_grad():  # make the residual branch matter (trained nets are not ~bicubic)
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    path = tmp_path / f"{name}.pt"
    checkpoint.save(path, {"model_name": name, "arch": arch, "step": 7,
                           "model": model.state_dict(), "val_psnr_y": 21.5})
    return path


@pytest.mark.parametrize("name", ["unet", "resnet", "srgan"])
def test_export_parity_and_metadata(tmp_path, name):
    ckpt = _checkpoint(tmp_path, name)
    onnx_path = export_checkpoint(name, ckpt, tmp_path / f"{name}.onnx")
    proto = onnx.load(str(onnx_path))
    onnx.checker.check_model(proto)
    meta = ModelMetadata.from_props({p.key: p.value for p in proto.metadata_props})
    assert (meta.name, meta.scale, meta.channel_order) == (name, 4, "RGB")
    assert meta.version == load_recipe(name).version
    assert (meta.min_input_height, meta.max_input_height) == \
        ((12, 48) if name == "unet" else (12, 32))  # the recipe's working heights
    assert meta.parameters > 0 and meta.architecture and meta.training_data
    assert meta.extra["train_steps"] == "7"
    assert proto.opset_import[0].version in (17, 18)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["lr"]
    assert [o.name for o in session.get_outputs()] == ["hr"]
    _, model, _ = load_generator(name, ckpt)
    for shape in SIZES:
        x = torch.rand(*shape)
        with torch.no_grad():
            expected = model(x).numpy()
        got = session.run(None, {"lr": x.numpy()})[0]
        assert got.shape == (shape[0], 3, 4 * shape[2], 4 * shape[3])
        np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)


def test_a_wider_checkpoint_exports_with_its_width_in_the_metadata(tmp_path):
    ckpt = _checkpoint(tmp_path, "unet", num_feat=24)
    proto = onnx.load(str(export_checkpoint("unet", ckpt, tmp_path / "unet.onnx")))
    meta = ModelMetadata.from_props({p.key: p.value for p in proto.metadata_props})
    assert meta.architecture.endswith("; 24 feature channels instead of 16")
    assert meta.parameters == sum(p.numel() for p in load_generator("unet", ckpt)[1].parameters())
    assert meta.parameters > 2 * 95_840


def test_a_checkpoint_with_a_moving_average_exports_the_average(tmp_path):
    payload = checkpoint.load(_checkpoint(tmp_path, "unet"))
    average = {k: v + 0.01 for k, v in payload["model"].items()}
    path = tmp_path / "ema.pt"
    checkpoint.save(path, {**payload, "ema": average, "ema_decay": 0.999})
    _, model, _ = load_generator("unet", path)
    for name, value in model.state_dict().items():
        assert torch.equal(value, average[name]), name


def test_export_rejects_a_checkpoint_of_another_model(tmp_path):
    ckpt = _checkpoint(tmp_path, "unet")
    with pytest.raises(PlateplugError, match="unet"):
        export_checkpoint("resnet", ckpt, tmp_path / "x.onnx")


def test_export_rejects_an_unreadable_file(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_text("not a checkpoint")
    with pytest.raises(PlateplugError, match="cannot read"):
        export_checkpoint("unet", bad, tmp_path / "x.onnx")


def test_a_failed_export_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    def reject(proto):
        raise onnx.checker.ValidationError("bad graph")

    monkeypatch.setattr(onnx.checker, "check_model", reject)  # fails after the graph is written
    recipe = load_recipe("unet")
    target = tmp_path / "unet.onnx"
    target.write_bytes(b"old")
    with pytest.raises(onnx.checker.ValidationError, match="bad graph"):
        export_model(recipe.model(), target, metadata_for(recipe, recipe.model(), {}))
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["unet.onnx"]
