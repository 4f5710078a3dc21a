"""--init from a training checkpoint or a plateplug ONNX export."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.export import export_checkpoint  # noqa: E402
from plateplug.train.init_weights import load_initial_weights  # noqa: E402
from plateplug.train.recipes import load_recipe  # noqa: E402


def _trained(tmp_path, name="unet"):
    torch.manual_seed(0)
    recipe = load_recipe(name)
    model = recipe.model()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    path = tmp_path / f"{name}.pt"
    checkpoint.save(path, {"model_name": name, "arch": dict(recipe.arch), "step": 1,
                           "model": model.state_dict(), "val_psnr_y": 20.0})
    return model, path


@pytest.mark.parametrize("suffix", [".pt", ".onnx"])
def test_weights_come_back_from_a_checkpoint_or_an_export(tmp_path, suffix):
    model, ckpt = _trained(tmp_path)
    path = ckpt if suffix == ".pt" else export_checkpoint("unet", ckpt, tmp_path / "u.onnx")
    fresh = load_recipe("unet").model()
    load_initial_weights(fresh, path)
    for key, value in model.state_dict().items():
        torch.testing.assert_close(fresh.state_dict()[key], value)


def test_weights_of_another_model_are_refused(tmp_path):
    _, ckpt = _trained(tmp_path)
    onnx_path = export_checkpoint("unet", ckpt, tmp_path / "u.onnx")
    with pytest.raises(PlateplugError, match="does not fit this model"):
        load_initial_weights(load_recipe("resnet").model(), onnx_path)
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not onnx")
    with pytest.raises(PlateplugError, match="cannot read ONNX"):
        load_initial_weights(load_recipe("unet").model(), bad)
