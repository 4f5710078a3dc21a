"""Detector training: targets, a tiny time-boxed run with resume, ONNX export and parity."""

from __future__ import annotations

import csv
import subprocess
import sys

import cv2
import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from plateplug.detect import OnnxDetector  # noqa: E402
from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.runtime import session  # noqa: E402
from plateplug.train.archs.platenet_arch import Deployed, PlateNet, normalise  # noqa: E402
from plateplug.train.detector.data import SampleSource, Scene, crop_boxes  # noqa: E402
from plateplug.train.detector.export import export, metadata  # noqa: E402
from plateplug.train.detector.loop import (  # noqa: E402
    CHECKPOINT,
    IGNORED,
    NEGATIVES,
    THRESHOLDS,
    Config,
    draw_weights,
    train,
)
from plateplug.train.detector.loss import focal  # noqa: E402
from plateplug.train.detector.targets import care_map, encode  # noqa: E402
from plateplug.train.workers import batches  # noqa: E402


def test_encode_puts_centres_and_log_sizes_on_the_grid():
    heat, reg, mask = encode(np.array([[10, 20, 50, 32]], np.float32), 64, 96, 4)
    assert heat.shape == (1, 16, 24) and reg.shape == (4, 16, 24)
    i, j = 6, 7  # centre (30, 26) px = (7.5, 6.5) cells
    assert heat[0, i, j] == 1.0 and mask[i, j] == 1.0 and mask.sum() == 1
    np.testing.assert_allclose(reg[:, i, j], [0.5, 0.5, np.log(10), np.log(3)], rtol=1e-6)
    assert 0 < heat[0, i, j + 1] < 1 and heat[0, 0, 0] < 1e-3


def test_care_map_zeroes_the_cells_of_ignored_boxes():
    care = care_map(np.array([[10, 20, 50, 32]], np.float32), 64, 96, 4)
    assert care.shape == (1, 16, 24)
    assert care[0, 5:8, 2:13].max() == 0 and care.sum() == 16 * 24 - 3 * 11
    assert care_map(np.zeros((0, 4)), 64, 96, 4).min() == 1


def test_focal_loss_leaves_ignored_background_out():
    heat = torch.zeros(1, 1, 4, 4)
    heat[0, 0, 0, 0] = 1
    logits = torch.full((1, 1, 4, 4), -4.0)
    logits[0, 0, 3, 3] = 3.0  # confident where there is no labelled plate
    care = torch.ones(1, 1, 4, 4)
    care[0, 0, 3, 3] = 0
    ignored, counted = focal(logits, heat, care), focal(logits, heat)
    assert counted > ignored > 0
    logits[0, 0, 3, 3] = -3.0
    assert focal(logits, heat, care) == pytest.approx(ignored.item())


def test_crop_boxes_drops_hidden_boxes_and_keeps_cut_ignored_ones():
    boxes = np.array([[0, 0, 20, 10], [50, 50, 70, 60], [200, 0, 220, 10]], np.float32)
    np.testing.assert_array_equal(crop_boxes(boxes, 10, 0, 64), [[40, 50, 60, 60]])
    np.testing.assert_array_equal(crop_boxes(boxes, 10, 0, 64, min_visible=0.0),
                                  [[0, 0, 10, 10], [40, 50, 60, 60]])


@pytest.mark.slow
def test_tiny_training_run_resumes_and_exports(tiny_data, tmp_path):
    out = tmp_path / "run"
    config = Config(data=tiny_data, out=out, minutes=0.03, batch=2, crop=64, log_every=1,
                    save_every_s=0.5)
    lines: list[str] = []
    path = train(config, log=lines.append)
    assert path.is_file() and (out / CHECKPOINT).is_file()
    assert any(line.startswith("step 1 ") for line in lines)
    first = torch.load(out / CHECKPOINT, weights_only=True)["step"]
    config.minutes, config.resume = 0.05, True
    train(config, log=lines.append)
    assert torch.load(out / CHECKPOINT, weights_only=True)["step"] > first
    assert any(line.startswith("resumed at step") for line in lines)
    detector = OnnxDetector(session(path, "cpu"), str(path))
    assert detector.metadata.training_data and detector.metadata.stride == 4
    assert isinstance(detector(cv2.imread(str(tiny_data / "dashcam/images/f0.jpg"))), list)


@pytest.mark.slow
def test_a_run_with_ema_exports_the_average_and_a_resume_keeps_it(tiny_data, tmp_path):
    out = tmp_path / "run"
    config = Config(data=tiny_data, out=out, minutes=0.03, batch=2, crop=64, ema=0.5)
    path = train(config, log=lambda _: None)
    state = torch.load(out / CHECKPOINT, weights_only=True)
    assert state["ema_decay"] == 0.5
    assert any(not torch.equal(state["ema"][k], v) for k, v in state["model"].items())
    net = PlateNet()
    net.load_state_dict(state["ema"])
    x = normalise(torch.randint(0, 256, (1, 64, 96, 3), dtype=torch.uint8))
    with torch.no_grad():
        expected = Deployed(net.eval())(x).numpy()
    got = session(path, "cpu").run(None, {"image": x.numpy()})[0]
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-3)
    config.minutes, config.resume, config.ema = 0.05, True, 0.0  # keeps the run's decay
    train(config, log=lambda _: None)
    resumed = torch.load(out / CHECKPOINT, weights_only=True)
    assert resumed["ema_decay"] == 0.5 and resumed["step"] > state["step"]


def test_onnx_export_matches_torch(tmp_path):
    torch.manual_seed(0)
    net = PlateNet()
    with torch.no_grad():  # non-trivial batch-norm statistics
        for module in net.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
    net.eval()
    meta = metadata(net, "test", "none")
    path = export(net, tmp_path / "d.onnx", meta)
    w, h = meta.input_size
    images = torch.randint(0, 256, (2, h, w, 3), dtype=torch.uint8)
    x = normalise(images)
    with torch.no_grad():
        expected = Deployed(net)(x).numpy()
    got = session(path, "cpu").run(None, {"image": x.numpy()})[0]
    assert got.shape == (2, 5, h // 4, w // 4)
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-3)


@pytest.mark.slow
def test_training_ignores_unlabelled_detections_and_keeps_them_on_resume(tiny_data, tmp_path):
    first = train(Config(data=tiny_data, out=tmp_path / "a", minutes=0.02, batch=2, crop=64),
                  log=lambda _: None)
    out = tmp_path / "b"
    lines: list[str] = []
    config = Config(data=tiny_data, out=out, minutes=0.02, batch=2, crop=64,
                    ignore_from=first)
    train(config, log=lines.append)
    assert (out / IGNORED).read_text().startswith("image,x1,y1,x2,y2")
    assert any("unlabelled plate regions ignored" in line for line in lines)
    config.minutes, config.resume, config.ignore_from = 0.04, True, None
    lines.clear()
    train(config, log=lines.append)
    assert any("unlabelled plate regions ignored" in line for line in lines)
    assert any("on real train frames" in line for line in lines)


def test_export_takes_any_input_size_multiple_of_32(tmp_path):
    net = PlateNet().eval()
    meta = metadata(net, "test", "none")
    assert meta.scales == (1.0, 0.35)  # a second, small pass for very large plates
    path = export(net, tmp_path / "d.onnx", meta)
    out = session(path, "cpu").run(None, {"image": np.zeros((1, 3, 192, 320), np.float32)})[0]
    assert out.shape == (1, 5, 48, 80)


@pytest.mark.slow
def test_training_on_scenes_mines_hard_negatives_and_keeps_them_on_resume(tiny_data,
                                                                           tmp_path):
    scenes = tmp_path / "scenes"
    (scenes / "images").mkdir(parents=True)
    rows = (tiny_data / "dashcam" / "boxes.csv").read_text().splitlines()
    with (scenes / "boxes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "split", "source", "xmin", "ymin", "xmax", "ymax"])
        for row in rows[1:]:
            image, _, *box = row.split(",")
            cv2.imwrite(str(scenes / image), cv2.imread(str(tiny_data / "dashcam" / image)))
            writer.writerow([image, "train", "kaggle", *box])
    first = train(Config(data=tiny_data, out=tmp_path / "a", minutes=0.02, batch=2, crop=64),
                  log=lambda _: None)
    out = tmp_path / "b"
    lines: list[str] = []
    config = Config(data=tiny_data, out=out, scenes=scenes, minutes=0.02, batch=2, crop=64,
                    negatives_from=first)
    train(config, log=lines.append)
    assert (out / NEGATIVES).read_text().startswith("image,x1,y1,x2,y2")
    assert any("hard negatives" in line for line in lines)
    assert any("2 dashcam and 2 scenes train frames" in line for line in lines)
    assert (out / THRESHOLDS).read_text().startswith("threshold,recall,precision,f1")
    config.minutes, config.resume, config.negatives_from = 0.04, True, None
    lines.clear()
    train(config, log=lines.append)
    assert any("hard negatives" in line for line in lines)
    again = tmp_path / "c"  # a saved negatives CSV stands for the detector that mined it
    train(Config(data=tiny_data, out=again, scenes=scenes, minutes=0.02, batch=2, crop=64,
                 negatives_from=out / NEGATIVES, dashcam_share=0.5), log=lambda _: None)
    assert (again / NEGATIVES).read_text() == (out / NEGATIVES).read_text()


def test_plates_cut_by_a_crop_are_ignored_not_taught_as_background():
    scene = Scene(np.full((300, 300, 3), 90, np.uint8), np.array([[100, 100, 220, 140.0]],
                  np.float32), np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32), 1.0)
    source = SampleSource([scene], [], 64, np.random.default_rng(0))
    cut = 0
    for _ in range(40):
        _, boxes, ignore = source._frame_crop()
        assert len(boxes) + len(ignore) <= 1
        cut += len(ignore)
    assert cut > 0


def test_draw_weights_give_the_dashcam_frames_their_share():
    weights = draw_weights(2, 6, 0.5)
    assert weights is not None and weights.tolist() == pytest.approx([0.25] * 2 + [1 / 12] * 6)
    assert draw_weights(2, 6, None) is None
    with pytest.raises(PlateplugError, match="both dashcam and scenes"):
        draw_weights(0, 6, 0.5)


def test_weighted_draws_follow_the_weights():
    scenes = [Scene(np.full((64, 64, 3), value, np.uint8), np.zeros((0, 4), np.float32),
                    np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32), 1.0)
              for value in (0, 200)]
    source = SampleSource(scenes, [], 64, np.random.default_rng(0), np.array([0.1, 0.3]))
    drawn = [source._frame_crop()[0][0, 0, 0] == 200 for _ in range(2000)]
    assert np.mean(drawn) == pytest.approx(0.75, abs=0.03)


def _tiny_source(seed: int = 0) -> SampleSource:
    image = np.random.default_rng(seed).integers(0, 256, (200, 300, 3), np.uint8)
    scene = Scene(image, np.array([[100, 100, 190, 125.0]], np.float32),
                  np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32), 1.0)
    return SampleSource([scene], [image[:20, :60].copy()], 64, np.random.default_rng(seed))


def test_batches_in_the_main_process_follow_the_source_generator():
    first = next(batches(_tiny_source(), lambda s: s.batch(3, 4), workers=0, seed=(0, 0)))
    again = next(batches(_tiny_source(), lambda s: s.batch(3, 4), workers=0, seed=(0, 0)))
    assert first["image"].shape == (3, 64, 64, 3) and first["image"].dtype == torch.uint8
    assert first["heat"].shape == (3, 1, 16, 16)
    for key in first:
        assert torch.equal(first[key], again[key])


# Sample workers are forked: in a process whose OpenCV thread pool already ran (this test
# session) they would hang, so these two run where the CLI does, in a fresh interpreter.
WORKER_BATCHES = """
import numpy as np, torch
from plateplug.train.detector.data import SampleSource, Scene
from plateplug.train.workers import batches
image = np.random.default_rng(0).integers(0, 256, (200, 300, 3), np.uint8)
scene = Scene(image, np.array([[100, 100, 190, 125.0]], np.float32), np.zeros((0, 4),
              np.float32), np.zeros((0, 4), np.float32), 1.0)
source = SampleSource([scene], [image[:20, :60].copy()], 64, np.random.default_rng(0))
stream = batches(source, lambda s: s.batch(3, 4), workers=2, seed=(0, 0))
one, two = next(stream), next(stream)
print(tuple(one["image"].shape), sorted(one), torch.equal(one["image"], two["image"]))
"""


@pytest.mark.slow
def test_batches_from_worker_processes_each_draw_their_own_samples():
    done = subprocess.run([sys.executable, "-c", WORKER_BATCHES], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == (
        "(3, 64, 64, 3) ['care', 'heat', 'image', 'mask', 'reg'] False")


@pytest.mark.slow
def test_training_with_sample_workers_runs_and_exports(tiny_data, tmp_path):
    out = tmp_path / "w"
    done = subprocess.run([sys.executable, "-m", "plateplug.cli", "train-detector",
                           "--data", str(tiny_data), "--minutes", "0.05", "--batch", "2",
                           "--crop", "64", "--workers", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "samples from 1 processes" in done.stdout
    assert (out / "plate_detector.onnx").is_file() and (out / CHECKPOINT).is_file()
