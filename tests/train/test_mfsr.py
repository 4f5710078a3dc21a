"""mfsr: the multi-frame network, its training bursts, --init from a single-frame model,
a few training steps, and export parity through the multi-frame runtime."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from plateplug.align import register, registration  # noqa: E402
from plateplug.data.crops import load_plates  # noqa: E402
from plateplug.data.protocol import make_burst  # noqa: E402
from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.metadata import ModelMetadata  # noqa: E402
from plateplug.multiframe import OnnxBurstEnhancer, OnnxMultiFrameModel  # noqa: E402
from plateplug.shift_add import shift_add  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.archs.mfsr_arch import MultiFrameResNet, input_channels  # noqa: E402
from plateplug.train.archs.resnet_arch import PlateResNet  # noqa: E402
from plateplug.train.bursts import (  # noqa: E402
    BurstSampler,
    GridBurst,
    as_burst,
    burst_validation,
    input_tensor,
)
from plateplug.train.data import to_images, to_tensor  # noqa: E402
from plateplug.train.export import export_checkpoint  # noqa: E402
from plateplug.train.loop import TrainConfig, train  # noqa: E402
from plateplug.train.recipes import load_recipe  # noqa: E402
from tests.data.conftest import render_plate  # noqa: E402


def test_network_takes_k_frames_and_enlarges_frame_0():
    model = MultiFrameResNet(frames=3, num_feat=8, num_block=1).eval()
    x = torch.rand(2, 9, 11, 17)
    with torch.no_grad():
        assert model(x).shape == (2, 3, 44, 68)
        torch.nn.init.zeros_(model.conv_up.weight)  # residual off: bicubic of frame 0 only
        torch.nn.init.zeros_(model.conv_up.bias)
        y = model(x)
        x2 = x.clone()
        x2[:, 3:] = 0.5  # other frames do not move the bicubic base
        assert torch.allclose(model(x2), y)


def test_init_from_a_single_frame_model_is_that_model_on_the_mean(tmp_path):
    torch.manual_seed(0)
    single = PlateResNet(num_feat=32, num_block=16)
    path = tmp_path / "resnet.pt"
    checkpoint.save(path, {"model_name": "resnet", "model": single.state_dict()})
    recipe = load_recipe("mfsr")
    model = recipe.model()
    recipe.load_init(model, path)
    frame = torch.rand(1, 3, 10, 24)
    burst = frame.repeat(1, recipe.frames, 1, 1)  # K identical frames: mean = the frame
    grid = torch.rand(1, model.conv_first.in_channels - burst.shape[1], 10, 24)
    burst = torch.cat([burst, grid], 1)  # any grid channels start unread
    with torch.no_grad():
        assert torch.allclose(model.eval()(burst), single.eval()(frame), atol=1e-5)
    again = recipe.model()
    mfsr_ckpt = tmp_path / "mfsr.pt"
    checkpoint.save(mfsr_ckpt, {"model_name": "mfsr", "model": model.state_dict()})
    recipe.load_init(again, mfsr_ckpt)  # an mfsr checkpoint loads as it is
    assert torch.equal(again.conv_first.weight, model.conv_first.weight)


def test_to_tensor_stacks_burst_frames_on_channels():
    frames = np.stack([np.full((4, 6, 3), (10 * k, 10 * k + 1, 10 * k + 2), np.uint8)
                       for k in range(3)])
    x = to_tensor([frames, frames])
    assert x.shape == (2, 9, 4, 6)
    assert [round(float(x[0, c, 0, 0]) * 255) for c in range(6)] == [2, 1, 0, 12, 11, 10]


def test_burst_sampler_gives_registered_bursts(synthetic_plates):
    crops = load_plates(synthetic_plates, "train")
    sampler = BurstSampler(crops, np.random.default_rng(0), patch_width=24, frames=4)
    lr, hr = sampler.sample(3)
    assert lr.shape[:2] == (3, 12) and hr.shape[:2] == (3, 3)
    assert hr.shape[2:] == (4 * lr.shape[2], 4 * lr.shape[3]) and lr.shape[3] == 24
    again = BurstSampler(crops, np.random.default_rng(0), patch_width=24, frames=4).sample(3)
    assert torch.equal(lr, again[0]) and torch.equal(hr, again[1])


def test_burst_validation_is_the_registered_protocol_burst(synthetic_plates):
    crops = load_plates(synthetic_plates, "val")
    pairs = burst_validation(crops, count=1, lr_height=12, frames=3)
    burst = make_burst(crops[0].image, 12, 3, seed_name=crops[0].key.split("/")[-1])
    np.testing.assert_array_equal(pairs[0][1], burst.hr)
    np.testing.assert_array_equal(pairs[0][0], np.stack(register(burst.frames)))


def _train_mfsr(plates, tmp_path, grid=None):
    """Two steps of mfsr started from a one-step resnet; the checkpoint's path."""
    resnet = train(TrainConfig(model="resnet", data=[str(plates)], out=str(tmp_path / "r"),
                               steps=1, batch=2, threads=1, val_count=1))
    return train(TrainConfig(model="mfsr", data=[str(plates)], init=str(resnet),
                             out=str(tmp_path / "m"), steps=2, batch=2, threads=1, val_every=1,
                             val_count=2, grid=grid))


def test_mfsr_trains_a_few_steps_from_a_single_frame_model(synthetic_plates, tmp_path):
    path = _train_mfsr(synthetic_plates, tmp_path)
    state = checkpoint.load(path)
    assert state["model_name"] == "mfsr" and state["step"] == 2
    assert np.isfinite(state["val_psnr_y"])
    grid = load_recipe("mfsr").arch.get("grid", 0)
    assert state["model"]["conv_first.weight"].shape[1] == input_channels(5, grid)


@pytest.mark.slow
def test_mfsr_text_loss_adds_the_recogniser_features(synthetic_plates, tmp_path):
    from plateplug.train.recognizer import RecognizerConfig, train_recognizer

    recognizer = train_recognizer(RecognizerConfig(
        data=[str(synthetic_plates)], out=str(tmp_path / "rec"), steps=2, batch=4, threads=1))
    resnet = train(TrainConfig(model="resnet", data=[str(synthetic_plates)],
                               out=str(tmp_path / "r"), steps=1, batch=2, threads=1,
                               val_count=1))
    for name, text_loss in (("plain", False), ("text", True)):
        train(TrainConfig(model="mfsr", data=[str(synthetic_plates)], init=str(resnet),
                          out=str(tmp_path / name), steps=1, batch=2, threads=1, val_count=1,
                          options={"recognizer": str(recognizer), "text_loss": text_loss}))
    assert '"feature"' not in (tmp_path / "plain" / "log.jsonl").read_text()
    assert '"feature"' in (tmp_path / "text" / "log.jsonl").read_text()


def test_export_parity_through_the_multiframe_runtime(tmp_path):
    torch.manual_seed(1)
    recipe = load_recipe("mfsr")
    model = recipe.model()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    ckpt = tmp_path / "mfsr.pt"
    checkpoint.save(ckpt, {"model_name": "mfsr", "arch": dict(recipe.arch), "step": 3,
                           "model": model.state_dict(), "val_psnr_y": 22.0})
    path = export_checkpoint("mfsr", ckpt, tmp_path / "mfsr.onnx")
    proto = onnx.load(str(path))
    meta = ModelMetadata.from_props({p.key: p.value for p in proto.metadata_props})
    assert meta.name == "mfsr" and meta.extra["frames"] == "5"
    assert meta.extra["train_val_psnr_y_burst_realistic16"] == "22.00"
    registered = OnnxMultiFrameModel(name="mfsr", path=path)
    assert registered.info()["frames"] == 5
    enhancer = registered.load(device="cpu")
    assert isinstance(enhancer, OnnxBurstEnhancer) and enhancer.frames == 5
    plate = render_plate("AB123", 0, (120, 40))
    burst = make_burst(plate, 16, 5, seed_name="p.png")
    fused = enhancer.fuse(burst.frames)
    with torch.no_grad():
        x = input_tensor([as_burst(registration(burst.frames), 5, recipe.arch.get("grid", 0))])
        expected = to_images(model.eval()(x))[0]
    assert fused.shape == burst.hr.shape
    assert np.abs(fused.astype(int) - expected).max() <= 1


def test_a_grid_network_starts_as_the_network_without_it(tmp_path):
    torch.manual_seed(2)
    plain = MultiFrameResNet(frames=3, num_feat=8, num_block=1)
    path = tmp_path / "mfsr.pt"
    checkpoint.save(path, {"model_name": "mfsr", "model": plain.state_dict()})
    gridded = MultiFrameResNet(frames=3, num_feat=8, num_block=1, grid=2)
    assert gridded.conv_first.in_channels == 9 + 16
    load_recipe("mfsr").load_init(gridded, path)
    x = torch.rand(1, 9 + 16, 6, 14)
    with torch.no_grad():
        assert torch.allclose(gridded.eval()(x), plain.eval()(x[:, :9]), atol=1e-6)


def test_grid_bursts_carry_the_shift_and_add_of_their_unwarped_frames(synthetic_plates):
    crops = load_plates(synthetic_plates, "train")
    lr, _ = BurstSampler(crops, np.random.default_rng(0), patch_width=24, frames=4).sample(2)
    with_grid, _ = BurstSampler(crops, np.random.default_rng(0), patch_width=24, frames=4,
                                grid=2).sample(2)
    assert with_grid.shape[1] == 12 + 16 and torch.equal(with_grid[:, :12], lr)
    val = load_plates(synthetic_plates, "val")
    (burst, hr), = burst_validation(val, count=1, lr_height=12, frames=3, grid=2)
    made = make_burst(val[0].image, 12, 3, seed_name=val[0].key.split("/")[-1])
    found = registration(made.frames)
    assert isinstance(burst, GridBurst)
    np.testing.assert_array_equal(burst.frames, np.stack(found.frames))
    np.testing.assert_array_equal(burst.grid, shift_add(found.resized, found.shifts, 2))
    np.testing.assert_array_equal(hr, made.hr)


def test_grid_is_for_multi_frame_recipes_and_a_resumed_run_keeps_its_own():
    with pytest.raises(PlateplugError, match="one frame"):
        load_recipe("resnet").for_run(None, grid=2)
    recipe = load_recipe("mfsr").for_run(None, grid=4)
    assert recipe.arch["grid"] == 4 and recipe.model().conv_first.in_channels == 15 + 64
    resumed = {"arch": dict(recipe.arch)}
    assert load_recipe("mfsr").for_run(resumed).arch["grid"] == 4
    with pytest.raises(PlateplugError, match="grid 4, not 2"):
        load_recipe("mfsr").for_run(resumed, grid=2)


def test_mfsr_trains_with_a_grid_and_exports_it_with_parity(synthetic_plates, tmp_path):
    path = _train_mfsr(synthetic_plates, tmp_path, grid=2)
    state = checkpoint.load(path)
    assert state["arch"]["grid"] == 2 and np.isfinite(state["val_psnr_y"])
    assert state["model"]["conv_first.weight"].shape[1] == 15 + 16
    torch.manual_seed(3)  # weights on the grid channels too, so parity covers them
    state["model"]["conv_first.weight"] += 0.05 * torch.randn_like(
        state["model"]["conv_first.weight"])
    checkpoint.save(path, state)
    onnx_path = export_checkpoint("mfsr", path, tmp_path / "mfsr_grid.onnx")
    proto = onnx.load(str(onnx_path))
    meta = ModelMetadata.from_props({p.key: p.value for p in proto.metadata_props})
    assert meta.extra["grid"] == "2" and meta.architecture.endswith(
        "; shift-and-add grid x2 instead of x4")
    registered = OnnxMultiFrameModel(name="mfsr", path=onnx_path)
    assert registered.info()["grid"] == 2
    enhancer = registered.load(device="cpu")
    assert enhancer.grid == 2
    burst = make_burst(render_plate("CD456", 1, (120, 40)), 16, 5, seed_name="q.png")
    fused = enhancer.fuse(burst.frames)
    model = load_recipe("mfsr").for_run(state).model()
    model.load_state_dict(state["model"])
    with torch.no_grad():
        x = input_tensor([as_burst(registration(burst.frames), 5, 2)])
        expected = to_images(model.eval()(x))[0]
    assert fused.shape == burst.hr.shape
    assert np.abs(fused.astype(int) - expected).max() <= 1
