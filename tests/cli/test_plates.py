"""`plateplug plates`: per-track JSON lines, written live, and every failure as one Error line.

A stub reader is registered in code; the clips are generated (tests/video/videokit.py)."""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from plateplug import PlateplugError, hookimpl, plugins
from plateplug.cli import main
from plateplug.readers import ReaderModel, ScoredText
from plateplug.reading import run as reading_run
from plateplug.reading.run import default_plates_output
from tests.video.videokit import FakeDetectorModel, FakeEnhancerModel, plate_box, write_clip

SIZE = (160, 120)


class StubReader(ReaderModel):
    """Answers each read with ``answer(call number, crop)``."""

    name = "stub"

    def __init__(self) -> None:
        self.answer: Callable[[int, np.ndarray], list[str]] = lambda n, crop: ["AB1"]
        self.calls = 0

    def load(self):
        def read(crop: np.ndarray) -> list[str]:
            self.calls += 1
            return self.answer(self.calls, crop)
        return read


@pytest.fixture
def stub(fresh_plugins) -> StubReader:
    """Registers the 'fake' enhancer (x4), the 'bright' detector and the 'stub' reader."""
    reader = StubReader()
    module = types.ModuleType("plates_test_plugin")

    @hookimpl
    def register_enhancers(register):
        register(FakeEnhancerModel())

    @hookimpl
    def register_detectors(register):
        register(FakeDetectorModel())

    @hookimpl
    def register_readers(register):
        register(reader)

    module.register_enhancers = register_enhancers
    module.register_detectors = register_detectors
    module.register_readers = register_readers
    plugins.register_module(module, "plates-test")
    return reader


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "clip.mp4")


def boxes_file(path: Path, frames: dict[int, list]) -> Path:
    path.write_text("".join(json.dumps({"frame": f, "boxes": [list(b) for b in boxes]}) + "\n"
                            for f, boxes in frames.items()))
    return path


@pytest.fixture
def two_plates(tmp_path: Path) -> tuple[Path, Path]:
    """A 30-frame clip whose boxes show one plate in frames 0-4 and another in 20-29."""
    clip = write_clip(tmp_path / "long.mp4", frames=30)
    frames = {i: [plate_box(i, SIZE)] for i in range(5)}
    frames |= {i: [(100, 10, 140, 30)] for i in range(20, 30)}
    return clip, boxes_file(tmp_path / "long.boxes.jsonl", frames)


def run(*args):
    return CliRunner().invoke(main, ["plates", "-m", "fake", "--reader", "stub",
                                     *map(str, args)])


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def assert_clean_error(result, message):
    assert result.exit_code not in (0, None), result.output
    assert result.stderr.splitlines()[-1].startswith("Error: "), result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_one_line_per_track_with_the_voted_text(stub, clip, tmp_path):
    answers = {1: [ScoredText("AB1", 0.9)], 2: [ScoredText("A", 0.5), ScoredText("81", 0.4)],
               3: [ScoredText("AB7", 0.6)]}
    stub.answer = lambda n, crop: answers[n]
    before = clip.read_bytes()
    result = run(clip, "--detector", "bright", "-o", tmp_path / "plates.jsonl")
    assert result.exit_code == 0, result.output
    assert lines(tmp_path / "plates.jsonl") == [{
        "track_id": 1, "text": "AB1", "confidence": round(1.3 / 3, 4), "reads": 3,
        "first_frame": 0, "last_frame": 11, "first_time": 0.0, "last_time": 1.1,
        "frames": 12, "tracks": [1], "crop": None}]
    assert stub.calls == 3  # frames 0, 5 and 10 (--read-every 5)
    # the weakest character is the last: '1' has 0.9 + 0.4 of three reads
    assert "12 frames, 1 plates read with stub after fake" in result.stderr
    assert "ms per frame -> " in result.stderr
    assert clip.read_bytes() == before


def test_the_progress_is_labelled_reading(stub, clip):
    result = run(clip, "--detector", "bright")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0].startswith("Reading")


def test_the_default_detector_is_used_without_detector_or_boxes(stub, clip, monkeypatch):
    asked = []

    def load_detector(name, device, threads):
        asked.append(name)
        return FakeDetectorModel().load()

    monkeypatch.setattr(reading_run, "load_detector", load_detector)
    result = run(clip)
    assert result.exit_code == 0, result.output
    assert asked == [None]  # plateplug.detect's default: the shipped detector
    assert json.loads(result.stdout)["frames"] == 12


def test_lines_go_to_standard_output_by_default(stub, clip):
    result = run(clip, "--detector", "bright", "--read-every", "2", "--max-reads", "0")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["track_id"], r["text"], r["reads"]) for r in records] == [(1, "AB1", 6)]


def test_best_crop_is_saved_and_named(stub, clip, tmp_path):
    result = run(clip, "--detector", "bright", "--crops", tmp_path / "crops", "-o",
                 tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    crop = lines(tmp_path / "out.jsonl")[0]["crop"]
    assert crop == str(tmp_path / "crops" / "track1.png")
    image = cv2.imread(crop)
    assert image.shape[0] % 4 == 0 and image.shape[0] >= 4 * 50  # enhanced x4, with margin


def test_a_track_is_written_as_soon_as_it_ends(stub, two_plates, tmp_path):
    clip, boxes = two_plates
    out = tmp_path / "plates.jsonl"
    seen_when_second_plate_read: list[str] = []

    def answer(n, crop):
        if n == 2:  # the second plate, first read at frame 20
            seen_when_second_plate_read.append(out.read_text())
        return ["AB1"] if n == 1 else ["XY9"]

    stub.answer = answer
    result = run(clip, "--boxes", boxes, "-o", out)
    assert result.exit_code == 0, result.output
    # the first plate, last seen at frame 4, ended at frame 15 (the tracker's 10 lost frames)
    assert [json.loads(x)["text"] for x in seen_when_second_plate_read[0].splitlines()] == \
        ["AB1"]
    assert [(r["track_id"], r["text"], r["first_frame"], r["last_frame"]) for r in lines(out)] \
        == [(1, "AB1", 0, 4), (2, "XY9", 20, 29)]


def test_a_plate_found_again_with_the_same_text_is_one_line(stub, tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", frames=30)
    frames = {i: [plate_box(i, SIZE)] for i in range(5)}
    frames |= {i: [(100, 10, 140, 30)] for i in range(12, 30)}  # 7 frames later, elsewhere
    boxes = boxes_file(tmp_path / "boxes.jsonl", frames)
    result = run(clip, "--boxes", boxes)
    assert result.exit_code == 0, result.output
    assert [(r["track_id"], r["tracks"], r["first_frame"], r["last_frame"], r["frames"],
             r["reads"]) for r in map(json.loads, result.stdout.splitlines())] == \
        [(1, [1, 2], 0, 29, 23, 5)]
    result = run(clip, "--boxes", boxes, "--rejoin", "0.5")  # 5 frames at 10 fps: too short
    assert [json.loads(x)["tracks"] for x in result.stdout.splitlines()] == [[1], [2]]


def test_ctrl_c_keeps_the_lines_done_and_the_tracks_in_view(stub, two_plates, tmp_path):
    clip, boxes = two_plates

    def answer(n, crop):
        if n == 3:  # the second plate's read at frame 25
            raise KeyboardInterrupt
        return ["AB1"] if n == 1 else ["XY9"]

    stub.answer = answer
    out = tmp_path / "plates.jsonl"
    result = run(clip, "--boxes", boxes, "-o", out)
    assert result.exit_code == 130, result.output
    assert "Interrupted: kept the 2 plate lines written to" in result.stderr
    assert [(r["text"], r["reads"], r["last_frame"]) for r in lines(out)] == \
        [("AB1", 1, 4), ("XY9", 1, 25)]


def test_an_error_mid_run_keeps_what_is_done(stub, two_plates, tmp_path):
    clip, boxes = two_plates

    def answer(n, crop):
        if n == 3:  # the second plate's read at frame 25
            raise PlateplugError("the OCR engine crashed")
        return ["AB1"] if n == 1 else ["XY9"]

    stub.answer = answer
    out = tmp_path / "plates.jsonl"
    result = run(clip, "--boxes", boxes, "-o", out)
    assert_clean_error(result, "the OCR engine crashed")
    assert "Stopped early: kept the 2 plate lines" in result.stderr
    assert [(r["track_id"], r["text"], r["last_frame"]) for r in lines(out)] == \
        [(1, "AB1", 4), (2, "XY9", 25)]


def test_tracks_seen_in_few_frames_are_left_out(stub, tmp_path):
    clip = write_clip(tmp_path / "clip.mp4")
    frames = {i: [plate_box(i, SIZE)] for i in range(12)} | {10: [plate_box(10, SIZE),
                                                                 (120, 5, 150, 20)]}
    boxes = boxes_file(tmp_path / "boxes.jsonl", frames | {11: frames[10]})
    result = run(clip, "--boxes", boxes)
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["frames"] for x in result.stdout.splitlines()] == [12]
    assert ("1 plates (1 seen in fewer than 3 frames left out; a lower --min-frames keeps "
            "them)") in result.stderr
    result = run(clip, "--boxes", boxes, "--min-frames", "2")
    assert [json.loads(x)["frames"] for x in result.stdout.splitlines()] == [12, 2]


def test_a_still_image_keeps_its_plates(stub, tmp_path):
    image = tmp_path / "photo.png"
    cv2.imwrite(str(image), np.full((120, 160, 3), 40, np.uint8))
    result = run(image, "--boxes", boxes_file(tmp_path / "b.jsonl", {0: [plate_box(0, SIZE)]}))
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["frames"] for x in result.stdout.splitlines()] == [1]
    assert "photo.png holds 1 frame(s): tracks of any length kept" in result.stderr


def test_output_folder_gets_a_default_name(stub, clip, tmp_path):
    (tmp_path / "out").mkdir()
    result = run(clip, "--detector", "bright", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(lines(tmp_path / "out" / "clip.plates.jsonl")) == 1
    assert default_plates_output("rtsp://cam/x").name.startswith("stream-")
    assert default_plates_output("0").name.endswith(".plates.jsonl")


def test_no_enhancer_reads_the_crops_as_they_are(stub, clip, tmp_path):
    shapes = []
    stub.answer = lambda n, crop: shapes.append(crop.shape) or ["AB1"]
    result = CliRunner().invoke(main, ["plates", str(clip), "-m", "none", "--reader", "stub",
                                       "--detector", "bright"])
    assert result.exit_code == 0, result.output
    assert shapes[0][0] < 100  # the 50 px plate plus margin, not enlarged
    assert "after none" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["missing.mp4"], "missing.mp4 does not exist"),
    (["{clip}", "--reader", "nope"], "unknown reader 'nope'"),
    (["{clip}", "-m", "nope"], "unknown enhancer 'nope'"),
    (["{clip}", "--detector", "nope"], "unknown detector 'nope'"),
    (["{clip}", "-o", "{tmp}/no/such/folder/p.jsonl"], "folder {tmp}/no/such/folder does "
     "not exist"),
    (["{clip}", "-o", "{clip}"], "refusing to overwrite the input"),
    (["{clip}", "--boxes", "{tmp}/bad.jsonl"], "bad.jsonl, line 1: not valid JSON"),
    (["{tmp}/text.mp4"], "as a video"),
])
def test_bad_input_is_one_error_line_and_no_output(stub, clip, tmp_path, args, message):
    (tmp_path / "bad.jsonl").write_text("{oops\n")
    (tmp_path / "text.mp4").write_text("not a video")
    out = tmp_path / "old.jsonl"
    out.write_text("kept\n")
    fill = {"clip": clip, "tmp": tmp_path}
    result = CliRunner().invoke(main, ["plates", "-m", "fake", "--reader", "stub", "-o", out,
                                       *[a.format(**fill) for a in args]])
    assert_clean_error(result, message.format(**fill))
    assert out.read_text() == "kept\n"  # an existing output is untouched by a failed start


def test_bad_options_are_usage_errors(stub, clip):
    for option in (["--read-every", "0"], ["--max-reads", "-1"], ["--detect-every", "0"]):
        result = run(clip, *option)
        assert result.exit_code == 2 and "Invalid value" in result.stderr, result.output
