"""plateplug.bench.video: the ceiling, the timed command as a process, OCR of its crops."""

import json

import cv2
import numpy as np
import pytest

import plateplug
from plateplug.bench.video import (
    Ceiling,
    CommandRun,
    OcrRate,
    Timed,
    VideoBenchError,
    bench_clip,
    enhance_args,
    io_ceiling,
    median_run,
    ocr_rate,
    read_labels,
    report,
    run_command,
    synthetic_clip,
    write_boxes,
)
from plateplug.errors import PlateplugError
from plateplug.video import read_boxes

needs_unet = pytest.mark.skipif(
    not any(m.name == "unet" and m.unavailable_reason() is None
            for m in plateplug.list_models()), reason="the shipped unet weights are absent")


@pytest.fixture
def small_clip(tmp_path):
    """A 4-frame 320x180 synthetic clip and its boxes file."""
    clip = tmp_path / "clip.mp4"
    boxes = synthetic_clip(clip, frames=4, size=(320, 180))
    return clip, write_boxes(tmp_path / "clip.boxes.jsonl", boxes)


def test_synthetic_clip_and_its_boxes_file_agree(small_clip):
    clip, boxes_file = small_clip
    boxes = read_boxes(boxes_file)
    assert sorted(boxes) == [0, 1, 2, 3] and all(len(b) == 2 for b in boxes.values())
    ceiling = io_ceiling(clip)
    assert ceiling.seconds > 0 and ceiling.cpu_seconds > 0


def test_labels_keep_the_readable_plates(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"frame": 0, "boxes": [[0, 0, 10, 5], [20, 0, 30, 5]], '
                    '"texts": ["AB12", null]}\n\n{"frame": 1, "boxes": [], "texts": []}\n')
    assert read_labels(path) == {0: [((0, 0, 10, 5), "AB12")], 1: []}
    path.write_text('{"frame": 0, "boxes": [[0, 0, 10, 5]]}\n')
    with pytest.raises(VideoBenchError, match="not a labels file"):
        read_labels(path)


def test_ocr_rate_matches_crops_to_labelled_plates_and_reads_each_png_once(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((8, 24, 3), np.uint8))
    records = [{"frame": 0, "box": [0, 0, 10, 5], "file": "a.png"},
               {"frame": 1, "box": [1, 0, 11, 5], "file": "a.png"},  # reused
               {"frame": 1, "box": [50, 50, 60, 55], "file": "a.png"}]  # no plate there
    (tmp_path / "crops.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    labels = {0: [((0, 0, 10, 5), "AB12")], 1: [((0, 0, 10, 5), "XY9")]}
    calls = []

    def reader(image):
        calls.append(image.shape)
        return ["ab-12"]

    rate = ocr_rate(tmp_path, labels, reader)
    assert (rate.read, rate.labelled, rate.rate) == (1, 2, 0.5)
    assert calls == [(8, 24, 3)]


def test_ocr_rate_names_a_crop_it_cannot_read(tmp_path):
    (tmp_path / "a.png").write_bytes(b"not a png")
    record = {"frame": 0, "box": [0, 0, 10, 5], "file": "a.png"}
    (tmp_path / "crops.jsonl").write_text(json.dumps(record) + "\n")
    with pytest.raises(PlateplugError, match="a.png: not a readable image"):
        ocr_rate(tmp_path, {0: [((0, 0, 10, 5), "AB12")]}, lambda image: [])


def test_the_median_run_and_the_start_up():
    runs = [CommandRun(w, {"frames": 10, "run_seconds": 1.0}) for w in (3.0, 1.5, 2.0)]
    assert median_run(runs).wall_seconds == 2.0
    assert median_run(runs).startup_seconds == 1.0
    timed = Timed("unet", ("--no-reuse",), ("--boxes", "b.jsonl"), runs)
    assert timed.label == "enhance -m unet --no-reuse"
    assert (timed.wall_fps, timed.run_fps) == (5.0, 10.0)


@pytest.mark.slow
def test_a_failing_command_is_named(tmp_path):
    with pytest.raises(VideoBenchError, match="failed .*does not exist"):
        run_command(enhance_args("unet", tmp_path / "missing.mp4", tmp_path / "o.mp4"),
                    tmp_path)


@needs_unet
@pytest.mark.slow
def test_bench_clip_times_the_real_command_and_reads_its_crops(small_clip):
    clip, boxes_file = small_clip
    command = Timed("unet", common=("--boxes", str(boxes_file)))
    labels = {i: [(box, "AB123")] for i, box in
              ((i, tuple(b[0])) for i, b in read_boxes(boxes_file).items())}
    rounds = []
    ceiling = bench_clip(clip, [command], 1, labels, lambda image: ["AB 123"], rounds.append)
    assert ceiling.seconds > 0 and rounds == [1]
    (run,) = command.runs
    assert run.frames == 4 and run.startup_seconds > 0 and run.cpu_seconds > 0.1
    assert run.stats["stage_seconds"]["enhance"] > 0 and run.stats["plates"] == 8
    assert (command.ocr.read, command.ocr.labelled) == (4, 4)


def test_report_tables_rate_each_command_against_the_ceiling():
    stats = {"frames": 10, "detections": 4, "run_seconds": 0.5, "crops_enhanced": 7,
             "crops_reused": 3, "settings": "detect every 3 frames",
             "stage_seconds": {"decode": 0.1, "detect": 0.2, "enhance": 0.3, "draw": 0.0,
                               "crops": 0.0, "encode": 0.1}}
    plain = Timed("unet", runs=[CommandRun(1.0, stats), CommandRun(3.0, stats),
                                CommandRun(2.0, stats, 0.4)])
    labelled = Timed("unet", ("--no-reuse",), runs=[CommandRun(1.0, stats)],
                     ocr=OcrRate(read=3, labelled=4))
    lines = report("clip.mp4", Ceiling(0.01, 0.008), [plain, labelled], "rapidocr").splitlines()
    assert lines[:2] == ["", "clip.mp4"]
    assert lines[3].split() == ["decode", "+", "encode", "only", "100.0", "1.00", "-",
                                "100.0", "1.00", "8.0", "1.00"]
    # median run 2.0 s for 10 frames: 5 fps, 1.5 s start-up, 20 fps from the first frame;
    # 0.4 CPU seconds: 40 ms per frame, 5 times the ceiling's 8
    assert lines[4].split() == ["enhance", "-m", "unet", "5.0", "0.05", "1.50", "20.0", "0.20",
                                "40.0", "5.00"]
    assert lines[9].split() == ["enhance", "-m", "unet", "10.0", "20.0", "30.0", "0.0", "0.0",
                                "10.0", "4", "7", "3"]
    assert "enhance -m unet --no-reuse: detect every 3 frames" in lines
    assert lines[-2:] == ["OCR rate of the output crops of labelled plates (rapidocr)",
                          "enhance -m unet --no-reuse    0.750  (3/4)"]
