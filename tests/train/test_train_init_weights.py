"""--init from a training checkpoint or a plateplug ONNX export."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.archs.unet_arch import PlateUNet  # noqa: E402
from plateplug.train.export import export_checkpoint  # noqa: E402
from plateplug.train.init_weights import load_initial_weights, widen  # noqa: E402
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


@pytest.mark.parametrize("suffix", [".pt", ".onnx"])
def test_a_narrower_unet_widens_into_the_same_function(tmp_path, suffix):
    model, ckpt = _trained(tmp_path)
    path = ckpt if suffix == ".pt" else export_checkpoint("unet", ckpt, tmp_path / "u.onnx")
    wide = PlateUNet(num_feat=24)
    load_initial_weights(wide, path)
    x = torch.rand(2, 3, 13, 41)
    with torch.no_grad():
        torch.testing.assert_close(wide(x), model(x))
    assert wide.head.weight[16:].abs().sum() > 0  # the new channels start random: they learn
    assert wide.fuse.weight[:16, 16:24].abs().sum() == 0  # old outputs ignore them
    assert wide.fuse.weight[:16, 40:].abs().sum() == 0


def test_a_wider_unet_does_not_fit_a_narrower_one(tmp_path):
    path = tmp_path / "wide.pt"
    checkpoint.save(path, {"model_name": "unet", "arch": {"num_feat": 24}, "step": 1,
                           "model": PlateUNet(num_feat=24).state_dict()})
    with pytest.raises(PlateplugError, match="does not fit this model"):
        load_initial_weights(PlateUNet(), path)


def test_widen_keeps_each_concatenated_part_in_place():
    old = torch.arange(1.0, 9.0).reshape(2, 4, 1, 1)  # inputs [a0 a1 | b0 b1]
    new = widen(old, torch.full((3, 6, 1, 1), 7.0), in_parts=2)
    assert new[..., 0, 0].tolist() == [[1, 2, 0, 3, 4, 0], [5, 6, 0, 7, 8, 0], [7] * 6]
    assert widen(torch.ones(2), torch.zeros(3)).tolist() == [1, 1, 0]
