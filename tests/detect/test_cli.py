"""``plateplug detect`` and ``bench-detector`` on the command line."""

from __future__ import annotations

import json

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
    drawn = cv2.imread(str(out / "a.png"))
    assert drawn is not None and tuple(drawn[30, 60]) == (0, 255, 0)
    assert [p.name for p in out.iterdir()] == ["a.png"]


@pytest.mark.parametrize("args, message", [
    (["detect", "{bad}", "--detector", "bright"], "cannot read image"),
    (["detect", "{dir}", "--detector", "nope"], "unknown detector 'nope'"),
    (["detect", "{empty}", "--detector", "bright"], "no images found"),
    (["bench-detector", "--data", "{empty}"], "needs dashcam/ and plates/"),
    (["train-detector", "--data", "{empty}", "--out", "{empty}/run"], "not found"),
])
def test_bad_input_is_an_error_not_a_traceback(bright_plugin, image_dir, tmp_path, args,
                                                message):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    empty = tmp_path / "empty"
    empty.mkdir()
    args = [a.format(bad=bad, dir=image_dir, empty=empty) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert f"Error: {message}" in result.output or message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit)
