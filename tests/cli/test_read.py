"""`plateplug read`: plate text before and after enhancement."""

import sys

import cv2
import pytest
from click.testing import CliRunner

from plateplug.builtin_plugins import rapidocr_reader
from plateplug.cli import main
from tests.bench.conftest import text_crop


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def image(tmp_path, fake_plugin):
    fake_plugin()
    path = tmp_path / "plate.png"
    cv2.imwrite(str(path), text_crop("ABC123")[::4, ::4])
    return path


def test_read_before_and_after(image):
    result = run("read", image, "-m", "cubic", "--reader", "fake")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["before: abc -123  [ABC123]",
                                          "after (cubic): abc -123  [ABC123]"]


def test_read_errors(image, tmp_path, monkeypatch):
    result = run("read", tmp_path / "missing.png", "-m", "cubic", "--reader", "fake")
    assert result.exit_code == 1 and "Error: " in result.output and "no such file" in result.output
    result = run("read", image, "-m", "untrained", "--reader", "fake")
    assert result.exit_code == 1 and "Error: " in result.output
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    rapidocr_reader._engine.cache_clear()
    result = run("read", image, "-m", "cubic")
    rapidocr_reader._engine.cache_clear()
    assert result.exit_code == 1 and "install plateplug[ocr]" in result.output
    assert "Traceback" not in result.output
