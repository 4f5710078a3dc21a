"""``plateplug detect`` and ``bench-detector`` on the command line."""

from __future__ import annotations

import json
import os

import cv2
import pytest
from click.testing import CliRunner

from plateplug.cli import main


@pytest.fixture
def image_dir(tmp_path, plate_frame):
    folder = tmp_path / "in"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.png"), plate_frame)
    return folder


def test_detect_json_lines(bright_plugin, image_dir):
    result = CliRunner().invoke(main, ["detect", str(image_dir), "--detector", "bright",
                                       "--json", "--min-score", "0.5"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows == [{"file": str(image_dir / "a.png"), "box": [40, 30, 80, 42], "score": 0.9}]


def test_detect_draws_boxes_into_output_folder(bright_plugin, image_dir, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["detect", str(image_dir / "a.png"), "--detector",
                                       "bright", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "(40, 30, 80, 42) 0.90" in result.output
    drawn = cv2.imread(str(out / "a.boxes.png"))
    assert drawn is not None and tuple(drawn[30, 60]) == (0, 255, 0)
    assert [p.name for p in out.iterdir()] == ["a.boxes.png"]


@pytest.mark.parametrize("args, message", [
    (["detect", "{bad}", "--detector", "bright"], "not a readable image"),
    (["detect", "{dir}", "--detector", "nope"], "unknown detector 'nope'"),
    (["detect", "{empty}", "--detector", "bright"], "folder holds no images"),
    (["train-detector", "--data", "{empty}", "--out", "{empty}/run"], "not found"),
    (["train-detector", "--ignore-unlabelled", "{empty}/none.onnx"], "does not exist"),
    (["train-detector", "--init", "{empty}/none.onnx"], "does not exist"),
    (["train-detector", "--data", "{data}", "--crop", "100"], "--crop 100 is not a multiple"),
    (["train-detector", "--data", "{data}", "--neck", "4"], "4 is not in the range"),
    (["train-detector", "--data", "{data}", "--neck4", "64"], "--neck4 64 is wider than --neck 48"),
    (["train-detector", "--data", "{data}", "--dashcam-share", "0.3"],
     "--dashcam-share needs --scenes"),
    (["train-detector", "--data", "{data}", "--dashcam-share", "1"], "is not in the range"),
    (["train-detector", "--data", "{data}", "--out", "{empty}/run", "--resume", "--init", "{bad}"],
     "--init starts a new run: leave it out with --resume"),
])
def test_bad_input_is_an_error_not_a_traceback(bright_plugin, image_dir, tmp_path, args,
                                                message):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    empty = tmp_path / "empty"
    empty.mkdir()
    data = tmp_path / "data"
    for sub in ("dashcam", "plates"):
        (data / sub).mkdir(parents=True)
    args = [a.format(bad=bad, dir=image_dir, empty=empty, data=data) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert f"Error: {message}" in result.output or message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit)


def test_detect_output_into_the_input_folder_keeps_every_input(bright_plugin, image_dir):
    before = (image_dir / "a.png").read_bytes()
    result = CliRunner().invoke(main, ["detect", str(image_dir / "a.png"), "--detector",
                                       "bright", "-o", str(image_dir)])
    assert result.exit_code == 0, result.output
    assert (image_dir / "a.png").read_bytes() == before
    assert sorted(p.name for p in image_dir.iterdir()) == ["a.boxes.png", "a.png"]


def test_detect_same_names_from_two_folders_do_not_collide(bright_plugin, tmp_path,
                                                             plate_frame):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        cv2.imwrite(str(tmp_path / folder / "a.png"), plate_frame)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["detect", str(tmp_path / "x"), str(tmp_path / "y"),
                                       "--detector", "bright", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.png")) == [
        "x/a.boxes.png", "y/a.boxes.png"]
    clash = CliRunner().invoke(main, ["detect", str(tmp_path / "x" / "a.png"),
                                      str(tmp_path / "y" / "a.png"), "--detector", "bright",
                                      "-o", str(out)])
    assert clash.exit_code != 0 and "2 inputs would be written here" in clash.output
    assert "Traceback" not in clash.output


def test_detect_folder_skips_bad_files_and_fifos_and_goes_on(bright_plugin, image_dir):
    (image_dir / "broken.png").write_text("not an image")
    os.mkfifo(image_dir / "pipe.png")
    result = CliRunner().invoke(main, ["detect", str(image_dir), "--detector", "bright"])
    assert result.exit_code != 0
    assert "broken.png: not a readable image" in result.output
    assert "a.png: (40, 30, 80, 42) 0.90" in result.output
    assert "1 of 2 image(s) could not be processed" in result.output
    assert "pipe.png" not in result.output
