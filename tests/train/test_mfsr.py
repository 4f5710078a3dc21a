"""mfsr: the multi-frame network, its training bursts, --init from a single-frame model,
a few training steps, and export parity through the multi-frame runtime."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from plateplug.align import register  # noqa: E402
from plateplug.data.crops import load_plates  # noqa: E402
from plateplug.data.protocol import make_burst  # noqa: E402
from plateplug.metadata import ModelMetadata  # noqa: E402
from plateplug.multiframe import OnnxBurstEnhancer, OnnxMultiFrameModel  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.archs.mfsr_arch import MultiFrameResNet  # noqa: E402
from plateplug.train.archs.resnet_arch import PlateResNet  # noqa: E402
from plateplug.train.bursts import BurstSampler, burst_validation  # noqa: E402
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


def test_mfsr_trains_a_few_steps_from_a_single_frame_model(synthetic_plates, tmp_path):
    resnet = train(TrainConfig(model="resnet", data=[str(synthetic_plates)],
                               out=str(tmp_path / "r"), steps=1, batch=2, threads=1,
                               val_count=1))
    path = train(TrainConfig(model="mfsr", data=[str(synthetic_plates)], init=str(resnet),
                             out=str(tmp_path / "m"), steps=2, batch=2, threads=1, val_every=1,
                             val_count=2))
    state = checkpoint.load(path)
    assert state["model_name"] == "mfsr" and state["step"] == 2
    assert np.isfinite(state["val_psnr_y"])
    assert state["model"]["conv_first.weight"].shape[1] == 15


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
        expected = to_images(model.eval()(to_tensor([np.stack(register(burst.frames))])))[0]
    assert fused.shape == burst.hr.shape
    assert np.abs(fused.astype(int) - expected).max() <= 1
