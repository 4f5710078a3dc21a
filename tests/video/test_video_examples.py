"""The examples in examples/ run against fakes (no fast-alpr, no real model, no ../shared)."""

import csv
import json
import runpy
import sys
import types
from pathlib import Path

import cv2
import numpy as np
import pytest
from videokit import BrightDetector, count_frames

import plateplug.detect
import plateplug.readers
from plateplug.errors import MissingExtraError
from plateplug.video import read_boxes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name, monkeypatch, *argv):
    monkeypatch.setattr(sys, "argv", [name, *map(str, argv)])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")


def test_sample_clip_and_boxes_agree():
    frames, fps, size = count_frames(EXAMPLES / "sample.mp4")
    assert (frames, fps, size) == (40, 10.0, (1280, 720))
    boxes = read_boxes(EXAMPLES / "sample.boxes.jsonl")
    assert sorted(boxes) == list(range(40)) and all(boxes.values())
    assert (EXAMPLES / "sample.mp4").stat().st_size < 1_000_000


def test_make_sample_clip_moves_boxes_with_the_view(tmp_path, monkeypatch):
    module = runpy.run_path(str(EXAMPLES / "make_sample_clip.py"))
    (tmp_path / "images").mkdir()
    with open(tmp_path / "boxes.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["image", "split", "xmin", "ymin", "xmax", "ymax"])
        for name in module["FRAMES"]:
            cv2.imwrite(str(tmp_path / "images" / name), np.zeros((720, 1280, 3), np.uint8))
            out.writerow([f"images/{name}", "train", 600, 400, 700, 430])
    run_example("make_sample_clip.py", monkeypatch, "--data", tmp_path,
                "--out", tmp_path / "clip.mp4")
    lines = [json.loads(x) for x in (tmp_path / "clip.boxes.jsonl").read_text().splitlines()]
    assert count_frames(tmp_path / "clip.mp4")[0] == len(lines) == 40
    assert lines[0]["boxes"] == [[600, 400, 700, 430]]  # no zoom yet
    (x1, y1, x2, y2), = lines[-1]["boxes"]
    assert x2 - x1 == round(100 * module["ZOOM"][1])


def test_street_clip_and_boxes_agree():
    frames, fps, size = count_frames(EXAMPLES / "street.mp4")
    assert (frames, fps, size) == (200, 25.0, (1280, 720))
    lines = [json.loads(x) for x in (EXAMPLES / "street.boxes.jsonl").read_text().splitlines()]
    assert [x["frame"] for x in lines] == list(range(200))
    assert all(1 <= len(x["boxes"]) == len(x["texts"]) <= 3 for x in lines)
    heights = [y2 - y1 for x in lines for _, y1, _, y2 in x["boxes"]]
    assert min(heights) == 15 and 80 <= max(heights) <= 90
    assert (EXAMPLES / "street.mp4").stat().st_size < 3_000_000


@pytest.mark.slow
def test_make_street_clip_writes_boxes_and_texts_of_every_frame(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))  # it imports make_sample_clip, as when run
    module = runpy.run_path(str(EXAMPLES / "make_street_clip.py"))
    (tmp_path / "images").mkdir()
    with open(tmp_path / "boxes.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["image", "split", "xmin", "ymin", "xmax", "ymax"])
        for name, texts in module["TEXTS"].items():
            cv2.imwrite(str(tmp_path / "images" / name), np.zeros((720, 1280, 3), np.uint8))
            for k in range(len(texts)):
                out.writerow([f"images/{name}", "valid", 100 + 200 * k, 400, 180 + 200 * k, 420])
    run_example("make_street_clip.py", monkeypatch, "--data", tmp_path,
                "--out", tmp_path / "clip.mp4")
    lines = [json.loads(x) for x in (tmp_path / "clip.boxes.jsonl").read_text().splitlines()]
    assert count_frames(tmp_path / "clip.mp4")[0] == len(lines) == 200
    assert lines[25] == {"frame": 25, "boxes": [[100, 400, 180, 420], [300, 400, 380, 420]],
                         "texts": [None, "B121PHD"]}


def test_anpr_loop(fake_plugins, clip, boxes_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(plateplug.detect, "load_detector", lambda: BrightDetector("bright"))

    def no_reader():
        raise MissingExtraError("rapidocr is not installed")

    monkeypatch.setattr(plateplug.readers, "load_reader", no_reader)
    run_example("anpr_loop.py", monkeypatch, clip, "--model", "fake", "--out",
                tmp_path / "anpr.mp4")
    assert count_frames(tmp_path / "anpr.mp4") == (12, 10.0, (160, 120))
    assert "frame 11: 192x240" in capsys.readouterr().out  # 4 x (40x50 + 10% margins)


def test_fast_alpr_example_skips_without_fast_alpr(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "fast_alpr", None)
    with pytest.raises(SystemExit) as exit_info:
        run_example("fast_alpr_ocr.py", monkeypatch)
    assert exit_info.value.code == 0
    assert "fast-alpr is not installed" in capsys.readouterr().out


def fake_fast_alpr(monkeypatch):
    """Just enough of fast-alpr: BaseOCR, OcrResult and a DefaultOCR reading plate widths."""
    base = types.ModuleType("fast_alpr.base")

    class BaseOCR:
        pass

    class OcrResult:
        def __init__(self, text, confidence):
            self.text, self.confidence = text, confidence

    class DefaultOCR(BaseOCR):
        def __init__(self, **kwargs):
            pass

        def predict(self, cropped_plate):
            return OcrResult(f"w{cropped_plate.shape[1]}", 1.0)

    base.BaseOCR, base.OcrResult = BaseOCR, OcrResult
    default_ocr = types.ModuleType("fast_alpr.default_ocr")
    default_ocr.DefaultOCR = DefaultOCR
    package = types.ModuleType("fast_alpr")
    package.ALPR = object
    for name, module in [("fast_alpr", package), ("fast_alpr.base", base),
                         ("fast_alpr.default_ocr", default_ocr)]:
        monkeypatch.setitem(sys.modules, name, module)


def test_fast_alpr_example_reads_plain_and_enhanced(fake_plugins, clip, boxes_file,
                                                    monkeypatch, capsys):
    fake_fast_alpr(monkeypatch)
    run_example("fast_alpr_ocr.py", monkeypatch, clip, "--model", "fake")
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 12
    assert out[0] == "frame 0 (10, 35, 50, 85): cropped 'w48', fake 'w192'"


def test_fast_alpr_example_skips_an_untrained_model(monkeypatch, capsys, fake_plugins):
    fake_fast_alpr(monkeypatch)
    with pytest.raises(SystemExit) as exit_info:
        run_example("fast_alpr_ocr.py", monkeypatch, "--model", "nope")
    assert exit_info.value.code == 0 and "unknown enhancer 'nope'" in capsys.readouterr().out
