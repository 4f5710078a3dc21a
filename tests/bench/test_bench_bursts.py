"""The burst benchmark (plateplug bench --frames K): rows, voting, windows, report, CLI."""

import json

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from plateplug import EnhancerModel
from plateplug.bench import bursts
from plateplug.bench.burst_report import FILES, table, write_burst_report
from plateplug.bench.bursts import BurstConfig, run_bursts
from plateplug.cli import main
from plateplug.data.protocol import make_burst
from plateplug.errors import PlateplugError
from plateplug.multiframe import MultiFrameEnhancer
from tests.bench.conftest import CubicModel, UntrainedModel, cubic_x4, text_crop


class MeanCubic(MultiFrameEnhancer):
    """Mean of the frames, x4 INTER_CUBIC; records the bursts it fuses."""

    def __init__(self, frames: int = 3):
        super().__init__("meanmf", 4, frames)
        self.seen: list[tuple[int, ...]] = []

    def _fuse(self, batch: np.ndarray) -> np.ndarray:
        self.seen.append(batch.shape)
        mean = batch.astype(np.float32).mean(axis=1).round().astype(np.uint8)
        return np.stack([cubic_x4(m) for m in mean])


class MeanCubicModel(EnhancerModel):
    name = "meanmf"

    def load(self, device: str = "auto", threads: int | None = None) -> MeanCubic:
        return MeanCubic()


@pytest.fixture
def ready(plate_dir, fake_plugin):
    fake_plugin(CubicModel(), MeanCubicModel(), UntrainedModel())
    return plate_dir


def test_every_row_of_the_burst_table(ready):
    config = BurstConfig(data=ready / "labels.csv", models=["cubic", "meanmf", "untrained"],
                         frames=3, lr_heights=[12], ocr="fake")
    result = run_bursts(config)
    assert [r.method for r in result.rows] == [
        "hr", "bicubic", "cubic", "cubic, vote over 3 frames", "meanmf",
        "meanmf + vote over 3 windows"]
    assert result.skipped == [("untrained", "not trained yet: no weights")]
    assert result.crops == 3 and result.labelled == 3  # labelled crops only
    rows = {r.method: r for r in result.rows}
    assert [rows[m].reads for m in rows] == [1, 1, 1, 3, 1, 3]
    assert all(r.ocr_total == 3 for r in result.rows)
    assert rows["hr"].psnr_y is None and rows["cubic, vote over 3 frames"].psnr_y is None
    assert rows["cubic"].psnr_y == pytest.approx(rows["bicubic"].psnr_y, abs=0.5)
    assert rows["meanmf"].psnr_y > 0 and 0 < rows["meanmf"].ssim_y <= 1
    assert all(r.ms_per_track is not None for r in result.rows if r.method != "hr")


def test_single_frame_rows_use_frame_0_and_multi_frame_rows_all_frames():
    burst = make_burst(text_crop("AB12", seed=1), 12, 3, seed_name="a.png")
    reader = lambda image: []  # noqa: E731 - reads nothing
    [one] = bursts._measure("bicubic", bursts.InterpolationEnhancer("bicubic"),
                            [(burst, "AB12")], reader, 12, 3)  # bicubic: no vote row
    expected = cv2.resize(burst.frames[0], (burst.hr.shape[1], burst.hr.shape[0]),
                          interpolation=cv2.INTER_CUBIC)
    assert one.psnr_y == pytest.approx(bursts.metrics.psnr_y(expected, burst.hr))
    multi = MeanCubic()
    rows = bursts._measure("meanmf", multi, [(burst, "AB12")], reader, 12, 3)
    assert len(rows) == 2 and rows[1].ocr_read == 0
    assert multi.seen and all(shape[1] == 3 for shape in multi.seen)
    assert len(multi.seen) == 1 + 3  # warm-up, then one fusion per window


def test_the_vote_recovers_a_plate_no_single_frame_read_gets():
    burst = make_burst(text_crop("AB12", seed=2), 12, 3, seed_name="b.png")
    script = iter(["XB12", "AB12", "AB12"])  # frame 0 misread, frames 1 and 2 right
    reader = lambda image: [next(script)]  # noqa: E731
    rows = bursts._measure("m", bursts.InterpolationEnhancer("lanczos"),
                           [(burst, "AB12")], reader, 12, 3)
    assert [(r.method, r.ocr_read) for r in rows] == [("m", 0), ("m, vote over 3 frames", 1)]


def test_windows_put_each_frame_first():
    a, b, c = (np.full((2, 2, 3), v, np.uint8) for v in (1, 2, 3))
    firsts = [[int(f[0, 0, 0]) for f in w] for w in bursts._windows([a, b, c])]
    assert firsts == [[1, 2, 3], [2, 1, 3], [3, 1, 2]]


def test_gap_recovered_per_height():
    rows = [bursts.BurstRow("hr", 16, 1, ocr_read=8, ocr_total=10),
            bursts.BurstRow("bicubic", 16, 1, ocr_read=2, ocr_total=10),
            bursts.BurstRow("m", 16, 1, ocr_read=5, ocr_total=10)]
    bursts._fill_gaps(rows)
    assert rows[2].gap_recovered == pytest.approx(0.5) and rows[0].gap_recovered is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"frames": 1}, "--frames"), ({"limit": 0}, "--limit"), ({"lr_heights": [3]}, "4 px")])
def test_bad_settings_raise(ready, changes, message):
    config = BurstConfig(data=ready, models=["cubic"], ocr=None, **changes)
    with pytest.raises(PlateplugError, match=message):
        run_bursts(config)


def test_an_onnx_file_without_frames_is_skipped(ready, tiny_onnx):
    path = tiny_onnx("single.onnx")
    result = run_bursts(BurstConfig(data=ready, models=[str(path)], frames=2, ocr=None,
                                    lr_heights=[12], limit=1))
    assert result.skipped[0][0] == str(path) and "frames" in result.skipped[0][1]
    assert [r.method for r in result.rows] == ["bicubic"]


def test_onnx_files_are_named_by_their_path_so_two_of_one_model_stay_apart(ready, tmp_path):
    pytest.importorskip("torch")
    from plateplug.train import checkpoint
    from plateplug.train.export import export_checkpoint
    from plateplug.train.recipes import load_recipe

    recipe = load_recipe("mfsr")
    ckpt = tmp_path / "mfsr.pt"
    checkpoint.save(ckpt, {"model_name": "mfsr", "arch": dict(recipe.arch), "step": 1,
                           "model": recipe.model().state_dict(), "val_psnr_y": 20.0})
    paths = [export_checkpoint("mfsr", ckpt, tmp_path / d / "mfsr.onnx") for d in ("a", "b")]
    result = run_bursts(BurstConfig(data=ready, models=[str(p) for p in paths], frames=5,
                                    ocr=None, lr_heights=[12], limit=1))
    assert [r.method for r in result.rows] == ["bicubic", str(paths[0]), str(paths[1])]


def test_report_files(ready, tmp_path):
    result = run_bursts(BurstConfig(data=ready, models=["meanmf"], frames=2, ocr="fake",
                                    lr_heights=[12]))
    paths = write_burst_report(result, {"cpu": "test"}, tmp_path / "out")
    assert [p.name for p in paths] == list(FILES)
    data = json.loads(paths[1].read_text())
    assert data["frames"] == 2 and data["rows"][0]["method"] == "hr"
    assert "| meanmf + vote over 2 windows | 12 |" in table(result)
    assert table(result) in paths[0].read_text()


def _cli(*args):
    return CliRunner().invoke(main, ["bench", *map(str, args)])


def test_cli_burst_mode(ready, tmp_path):
    out = tmp_path / "bursts"
    result = _cli("--data", ready, "--frames", 2, "-m", "cubic,meanmf", "--lr-height", 12,
                  "--ocr", "fake", "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert "| cubic, vote over 2 frames |" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--track", "clean"], "realistic track only"),
    (["--scenes", "."], "--scenes cannot be used with --frames"),
    (["--frames", "1"], "1 is not in the range"),
])
def test_cli_burst_errors(ready, tmp_path, args, message):
    base = ["--data", ready, "-m", "cubic", "--ocr", "none", "-o", tmp_path / "o"]
    result = _cli(*base, *(args if "--frames" in args else ["--frames", 2, *args]))
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output
