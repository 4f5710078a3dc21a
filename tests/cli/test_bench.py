"""`plateplug bench` from the command line: a report, and `Error:` lines for bad input."""

import json

import cv2
import pytest
from click.testing import CliRunner

from plateplug.bench.report import FILES
from plateplug.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def ready(plate_dir, fake_plugin, fast_speed):
    fake_plugin()
    return plate_dir


def test_bench_writes_a_report(ready, tmp_path):
    out = tmp_path / "report"
    result = run("bench", "--data", ready / "labels.csv", "-m", "cubic,untrained",
                 "--lr-height", 16, "--track", "clean", "--ocr", "fake", "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert "Skipped untrained: not trained yet" in result.output
    data = json.loads((out / "report.json").read_text())
    assert data["lr_heights"] == [16] and data["tracks"] == ["clean"]
    assert [m["name"] for m in data["methods"]] == ["bicubic", "lanczos", "cubic"]


def test_bench_without_ocr_and_missing_baselines_build(ready, tmp_path, monkeypatch):
    monkeypatch.delattr(cv2, "dnn_superres", raising=False)
    result = run("bench", "--data", ready, "-m", "cubic", "--lr-height", 16, "--track", "clean",
                 "--ocr", "none", "--baselines", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Note: FSRCNN/ESPCN/LapSRN x4 skipped" in result.output
    assert "OCR rate" not in (tmp_path / "out" / "report.md").read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["-m", "nope"], "Error: unknown enhancer 'nope'"),
    (["--split", "bogus"], "Error: Invalid value for '--split'"),
    (["--lr-height", "2"], "Error: Invalid value for '--lr-height'"),
    (["--torch-compare", "missing.pt"], "Error: Invalid value for '--torch-compare'"),
])
def test_bad_options(ready, tmp_path, args, message):
    result = run("bench", "--data", ready, "--ocr", "none", "-o", tmp_path / "out", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_data(tmp_path, fake_plugin):
    fake_plugin()
    (tmp_path / "empty").mkdir()
    result = run("bench", "--data", tmp_path / "empty", "--ocr", "none", "-o", tmp_path / "o")
    assert result.exit_code == 1
    assert "Error: no readable plate crops" in result.output
    (tmp_path / "bad.csv").write_text("file,text\na.png,X\n")
    result = run("bench", "--data", tmp_path / "bad.csv", "-o", tmp_path / "o")
    assert result.exit_code == 1 and "needs a 'path' column" in result.output
    result = run("bench", "--data", tmp_path / "nowhere", "-o", tmp_path / "o")
    assert result.exit_code == 2 and "does not exist" in result.output
