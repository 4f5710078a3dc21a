"""``plateplug train`` / ``train-recognizer`` / ``export``: happy path and clean errors."""

import importlib
import json
import subprocess
import sys

import pytest

pytest.importorskip("torch")
pytest.importorskip("onnx")

from click.testing import CliRunner  # noqa: E402

from plateplug.cli.train import export, train, train_recognizer  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402


def test_train_then_export(synthetic_plates, tmp_path):
    runner = CliRunner()
    out = tmp_path / "run"
    result = runner.invoke(train, ["unet", "--data", str(synthetic_plates), "--steps", "2",
                                   "--batch", "2", "--out", str(out), "--threads", "1",
                                   "--degradation", "camera", "--scenes", "none",
                                   "--synthetic", "0", "--width", "20"])
    assert result.exit_code == 0, result.output
    assert checkpoint.load(out / "last.pt")["arch"]["num_feat"] == 20
    assert json.loads((out / "config.json").read_text())["degradation"] == "camera"
    onnx_path = tmp_path / "unet.onnx"
    result = runner.invoke(export, ["unet", str(out / "last.pt"), "-o", str(onnx_path)])
    assert result.exit_code == 0, result.output
    assert onnx_path.stat().st_size > 0


def test_train_adds_scenes_and_synthetic_crops_with_the_balanced_default(
        synthetic_plates, synthetic_dashcam, tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(train, [
        "unet", "--data", str(synthetic_plates), "--steps", "1", "--batch", "2",
        "--out", str(out), "--threads", "1", "--scenes", str(synthetic_dashcam),
        "--synthetic", "3"])
    assert result.exit_code == 0, result.output
    start = json.loads((out / "log.jsonl").read_text().splitlines()[0])
    assert start["sources"] == {"real": 7, "scenes": 1, "synthetic": 3}  # 1 br/ is val
    assert json.loads((out / "config.json").read_text())["degradation"] == "balanced"


def test_train_renders_plates_in_the_chosen_fonts(synthetic_plates, tmp_path):
    pytest.importorskip("ttf_opensans")
    out = tmp_path / "run"
    result = CliRunner().invoke(train, [
        "unet", "--data", str(synthetic_plates), "--steps", "1", "--batch", "2",
        "--out", str(out), "--threads", "1", "--scenes", "none", "--synthetic", "3",
        "--fonts", "truetype"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "config.json").read_text())["fonts"] == "truetype"
    result = CliRunner().invoke(train, ["unet", "--data", ".", "--fonts", "comic"])
    assert result.exit_code != 0 and "'comic' is not one of" in result.output


def test_train_scenes_option(tmp_path, monkeypatch):
    train_cli = importlib.import_module("plateplug.cli.train")

    monkeypatch.setattr(train_cli, "DEFAULT_SCENES", tmp_path / "absent")
    assert train_cli._scenes(None) is None and train_cli._scenes("none") is None
    (tmp_path / "absent").mkdir()
    (tmp_path / "absent" / "boxes.csv").write_text("image,split,xmin,ymin,xmax,ymax\n")
    assert train_cli._scenes(None) == str(tmp_path / "absent")
    result = CliRunner().invoke(train, ["unet", "--data", ".", "--scenes", str(tmp_path)])
    assert result.exit_code != 0 and "Error: --scenes" in result.output


def test_train_recognizer_command(synthetic_plates, tmp_path):
    result = CliRunner().invoke(train_recognizer, [
        "--data", str(synthetic_plates), "--steps", "2", "--batch", "4",
        "--out", str(tmp_path / "rec"), "--threads", "1", "--synthetic", "0"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rec" / "last.pt").is_file()


def test_train_recognizer_adds_rendered_plates(synthetic_plates, tmp_path):
    args = ["--data", str(synthetic_plates), "--steps", "1", "--batch", "2", "--threads", "1"]
    counts = []
    for synthetic in ("0", "7"):
        out = tmp_path / f"rec{synthetic}"
        result = CliRunner().invoke(train_recognizer,
                                    [*args, "--out", str(out), "--synthetic", synthetic])
        assert result.exit_code == 0, result.output
        counts.append(checkpoint.load(out / "last.pt")["train_crops"])
    assert counts[0] > 0 and counts[1] == counts[0] + 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["unet", "--data", "/nonexistent/plates", "--steps", "1"], "does not exist"),
        (["srgan", "--data", ".", "--recognizer", "/nonexistent/rec.pt"], "recogniser"),
        (["mfsr", "--data", ".", "--text-loss", "--recognizer", "/nonexistent/rec.pt"],
         "mfsr needs a trained recogniser"),
        (["srgan", "--data", ".", "--recognizer", "/nonexistent/rec.onnx"], "recogniser"),
        (["unet", "--data", ".", "--text-loss", "--recognizer", "/nonexistent/rec.pt"],
         "--recognizer rapidocr"),
        (["srgan", "--data", ".", "--text-loss"], "srgan always has the text loss"),
        (["unet", "--data", ".", "--text-weight", "0.01"], "add --text-loss"),
        (["unet", "--data", ".", "--ctc-weight", "2e-3", "--recognizer", "/nonexistent/r.pt"],
         "--recognizer rapidocr"),
        (["unet", "--data", "{plates}", "--ctc-weight", "2e-3", "--recognizer", "{ck}"],
         "the CTC loss reads with RapidOCR's recogniser"),
        (["unet", "--data", ".", "--ctc-two-row", "0.3"], "add --ctc-weight"),
        (["unet", "--data", ".", "--ctc-weight", "2e-3", "--ctc-scenes", "0.3"],
         "add --ctc-weight and --scenes-texts"),
        (["resnet", "--data", ".", "--adversarial-weight", "3e-4"],
         "only srgan has an adversarial loss"),
        (["resnet", "--data", ".", "--resume", "{ck}", "--init", "{ck}"], "either --resume"),
        (["unet", "--data", ".", "--teacher", "srgan", "--teacher-share", "0"],
         "--teacher-share"),
        (["unet", "--data", ".", "--teacher", "srgan", "--workers", "2"],
         "leave out --workers"),
    ],
)
def test_train_errors_are_one_line(synthetic_plates, tmp_path, args, message):
    ck = tmp_path / "x.pt"
    ck.write_bytes(b"")
    args = [a.format(ck=ck, plates=synthetic_plates) for a in args]
    result = CliRunner().invoke(train, args)
    assert result.exit_code != 0
    assert "Error:" in result.output and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--teacher", "nope"], "nope"), (["--scenes-share", "0.4"], "needs scenes crops"),
     (["--grid", "2"], "unet takes one frame: --grid is for multi-frame models")],
)
def test_errors_found_once_the_data_is_loaded_are_one_line(synthetic_plates, tmp_path, args,
                                                           message):
    result = CliRunner().invoke(train, ["unet", "--data", str(synthetic_plates), "--steps", "1",
                                        "--out", str(tmp_path / "run"), "--scenes", "none",
                                        "--synthetic", "0", *args])
    assert result.exit_code != 0
    assert "Error:" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_export_of_an_unreadable_checkpoint_is_an_error(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_text("nope")
    result = CliRunner().invoke(export, ["unet", str(bad), "-o", str(tmp_path / "x.onnx")])
    assert result.exit_code == 1
    assert "Error: cannot read checkpoint" in result.output


@pytest.mark.slow
def test_train_with_pair_workers(synthetic_plates, tmp_path):
    # forked workers: in a fresh interpreter, as the CLI runs (see workers.prepare_fork)
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "plateplug.cli", "train", "unet", "--data",
                           str(synthetic_plates), "--steps", "3", "--batch", "2", "--out",
                           str(out), "--workers", "2", "--scenes", "none", "--synthetic", "0"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert checkpoint.load(out / "last.pt")["step"] == 3
    assert json.loads((out / "config.json").read_text())["workers"] == 2
