"""`plateplug enhance VIDEO`: options, outputs and every failure as a one-line Error."""

import json
import os
from pathlib import Path

import cv2
import pytest
from click.testing import CliRunner
from videokit import FakeCapture, count_frames, make_frame, write_clip

from plateplug.cli import main
from plateplug.video.outputs import default_output
from plateplug.video.sources import is_video_source


def run(*args):
    return CliRunner().invoke(main, ["enhance", "-m", "fake", *map(str, args)])


def assert_clean_error(result, message):
    assert result.exit_code not in (0, None), result.output
    assert f"Error: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("arg, expected", [
    ("clip.mp4", True), ("CLIP.MOV", True), ("a/b.mkv", True), ("0", True), ("12", True),
    ("/dev/video2", True), ("rtsp://user:pw@cam/stream", True), ("https://host/live.m3u8", True),
    ("plate.png", False), ("folder", False), ("notes.txt", False),
])
def test_is_video_source(arg, expected):
    assert is_video_source(arg) is expected


def test_default_output_names(tmp_path):
    assert default_output(str(tmp_path / "clip.mp4")) == tmp_path / "clip.enhanced.mp4"
    assert default_output("0").name.startswith("camera0-")
    assert default_output("rtsp://cam/x").name.startswith("stream-")
    assert default_output("rtsp://cam/x").suffix == ".mp4"


def test_video_with_boxes_keeps_frames_fps_and_size(fake_plugins, clip, boxes_file):
    before = clip.read_bytes()
    result = run(clip, "--boxes", boxes_file)
    assert result.exit_code == 0, result.output
    out = clip.with_name("clip.enhanced.mp4")
    assert count_frames(out) == (12, 10.0, (160, 120))
    assert clip.read_bytes() == before
    assert "12 frames, 12 plates enhanced with fake" in result.stderr
    assert sorted(os.listdir(clip.parent)) == ["clip.boxes.jsonl", "clip.enhanced.mp4",
                                               "clip.mp4"]


def test_side_by_side_doubles_the_width(fake_plugins, clip, boxes_file, tmp_path):
    out = tmp_path / "wide.mp4"
    result = run(clip, "--boxes", boxes_file, "--layout", "side-by-side", "-o", out)
    assert result.exit_code == 0, result.output
    assert count_frames(out) == (12, 10.0, (320, 120))


def test_output_folder_gets_the_default_name(fake_plugins, clip, boxes_file, tmp_path):
    (tmp_path / "out").mkdir()
    result = run(clip, "--boxes", boxes_file, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "clip.enhanced.mp4").is_file()


def test_crops_are_saved_with_an_index(fake_plugins, clip, boxes_file, tmp_path):
    crops = tmp_path / "crops"
    result = run(clip, "--boxes", boxes_file, "--crops", crops, "--layout", "replace",
                 "--no-reuse")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (crops / "crops.jsonl").read_text().splitlines()]
    assert [r["frame"] for r in records] == list(range(12))
    assert {r["track_id"] for r in records} == {1}
    assert records[5]["time"] == 0.5 and records[5]["file"] == "frame000005_track1.png"
    assert records[5]["crop_size"] == records[5]["input_size"] == [48, 60]
    assert len(list(crops.glob("*.png"))) == 12
    assert "12 crops in" in result.stderr and "reuse off" in result.stderr


def test_by_default_a_steady_plate_is_enhanced_again_only_once_a_second(
        fake_plugins, clip, boxes_file, tmp_path):
    crops, stats = tmp_path / "crops", tmp_path / "stats.json"
    result = run(clip, "--boxes", boxes_file, "--crops", crops, "--stats", stats)
    assert result.exit_code == 0, result.output
    assert "fake: detect every 4 frames and at cuts, " in result.stderr  # 10 fps clip
    assert "reuse on, inset 48 px" in result.stderr
    records = [json.loads(line) for line in (crops / "crops.jsonl").read_text().splitlines()]
    assert [r["reused_from"] for r in records] == [None] + [0] * 10 + [None]  # max age 10
    assert len(list(crops.glob("*.png"))) == 2
    assert "(10 shown again unchanged)" in result.stderr
    report = json.loads(stats.read_text())
    assert (report["frames"], report["crops_enhanced"], report["crops_reused"]) == (12, 2, 10)
    assert report["detections"] == 0  # boxes were given
    assert report["run_seconds"] > 0 and report["stage_seconds"]["encode"] > 0


def test_max_input_height_and_inset_height_are_options(fake_plugins, clip, boxes_file,
                                                        tmp_path):
    crops = tmp_path / "crops"
    result = run(clip, "--boxes", boxes_file, "--crops", crops, "--max-input-height", "30",
                 "--inset-height", "90", "--detect-every", "1")
    assert result.exit_code == 0, result.output
    assert "detect every frame, 1 inference thread, enhance at 30 px, reuse on, inset 90 px" \
        in result.stderr
    record = json.loads((crops / "crops.jsonl").read_text().splitlines()[0])
    assert record["crop_size"] == [48, 60] and record["input_size"] == [24, 30]
    for option, value in (("--max-input-height", "tall"), ("--inset-height", "0"),
                          ("--detect-every", "full")):
        result = run(clip, "--boxes", boxes_file, option, value)
        assert result.exit_code == 2 and option in result.output


def test_detector_from_a_plugin(fake_plugins, clip, tmp_path):
    result = run(clip, "--detector", "bright", "-o", tmp_path / "det.mp4")
    assert result.exit_code == 0, result.output
    assert "12 frames, 12 plates" in result.stderr


def test_detect_every_keeps_every_frame_and_plate(fake_plugins, clip, tmp_path):
    result = run(clip, "--detector", "bright", "--detect-every", "4", "-o", tmp_path / "d.mp4")
    assert result.exit_code == 0, result.output
    assert "12 frames, 12 plates" in result.stderr
    assert "detect every 4 frames and at cuts" in result.stderr
    result = run(clip, "--detector", "bright", "--detect-every", "4", "--no-detect-at-cuts",
                 "-o", tmp_path / "f.mp4")
    assert result.exit_code == 0 and "detect every 4 frames, 1" in result.stderr
    result = run(clip, "--detector", "bright", "--detect-every", "0", "-o", tmp_path / "e.mp4")
    assert result.exit_code == 2 and "--detect-every" in result.output


def test_camera_index_with_a_running_counter(fake_plugins, fake_capture, tmp_path, monkeypatch):
    monkeypatch.setattr("plateplug.video.sources.time.sleep", lambda s: None)  # reconnect waits
    opened = fake_capture(FakeCapture([make_frame(i) for i in range(8)], fps=15.0))
    out = tmp_path / "cam.mp4"
    result = CliRunner().invoke(main, ["enhance", "-m", "fake", "0", "--detector", "bright",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert opened[0] == 0
    assert count_frames(out) == (8, 15.0, (160, 120))
    assert "frames," in result.stderr and "Warning: lost camera 0" in result.stderr


def test_rtsp_url(fake_plugins, fake_capture, tmp_path, monkeypatch):
    monkeypatch.setattr("plateplug.video.sources.time.sleep", lambda s: None)
    opened = fake_capture(FakeCapture([make_frame(i) for i in range(6)]))
    out = tmp_path / "rtsp.mp4"
    result = run("rtsp://cam.local:554/live", "--detector", "bright", "-o", out)
    assert result.exit_code == 0, result.output
    assert opened[0] == "rtsp://cam.local:554/live"
    assert count_frames(out)[0] == 6


def test_ctrl_c_keeps_a_playable_partial_file(fake_plugins, fake_capture, tmp_path):
    (tmp_path / "in.mp4").write_bytes(b"stand-in: the fake capture supplies the frames")
    fake_capture(FakeCapture([make_frame(i) for i in range(5)] + [KeyboardInterrupt()],
                             fps=10.0, count=20))
    result = run(tmp_path / "in.mp4", "--detector", "bright")
    assert result.exit_code == 130
    partial = tmp_path / "in.enhanced.partial.mp4"
    assert f"Interrupted: kept the 5 frames done in {partial}" in result.stderr
    assert not (tmp_path / "in.enhanced.mp4").exists()
    assert count_frames(partial) == (5, 10.0, (160, 120))


def test_skipped_frames_are_reported(fake_plugins, fake_capture, tmp_path):
    (tmp_path / "in.mp4").write_bytes(b"stand-in")
    frames = [make_frame(i) for i in range(6)]
    frames[3] = None
    fake_capture(FakeCapture(frames, fps=10.0, count=6))
    result = run(tmp_path / "in.mp4", "--detector", "bright")
    assert result.exit_code == 0, result.output
    assert "Warning: skipped undecodable frame 3" in result.stderr
    assert "5 frames, skipped 1 undecodable" in result.stderr


def test_missing_file(fake_plugins, tmp_path):
    assert_clean_error(run(tmp_path / "nope.mp4"), f"{tmp_path / 'nope.mp4'} does not exist")


def test_empty_file(fake_plugins, tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert_clean_error(run(tmp_path / "empty.mp4"), f"{tmp_path / 'empty.mp4'} is empty")


def test_not_a_video(fake_plugins, tmp_path):
    (tmp_path / "fake.mp4").write_text("just text\n" * 100)
    assert_clean_error(run(tmp_path / "fake.mp4"), "cannot read")


def test_unopenable_camera(fake_plugins, fake_capture):
    fake_capture(FakeCapture([], opened=False))
    assert_clean_error(run("7"), "cannot open camera 7")


def test_bad_boxes_line(fake_plugins, clip, tmp_path):
    boxes = tmp_path / "bad.jsonl"
    boxes.write_text('{"frame": 0, "boxes": [[1, 1, 9, 9]]}\n{"frame": 1, "boxes": [[1, 2]]}\n')
    assert_clean_error(run(clip, "--boxes", boxes), f"{boxes}, line 2: a box must be")
    assert not clip.with_name("clip.enhanced.mp4").exists()


def test_unwritable_output(fake_plugins, clip, boxes_file, tmp_path):
    (tmp_path / "file").write_text("a file, not a folder")
    assert_clean_error(run(clip, "--boxes", boxes_file, "-o", tmp_path / "file" / "out.mp4"),
                       "cannot write")


def test_missing_output_folder_is_created_as_for_images(fake_plugins, clip, boxes_file,
                                                       tmp_path):
    result = run(clip, "--boxes", boxes_file, "-o", tmp_path / "new" / "sub" / "out.mp4")
    assert result.exit_code == 0, result.output
    assert count_frames(tmp_path / "new" / "sub" / "out.mp4") == (12, 10.0, (160, 120))
    result = run(clip, "--boxes", boxes_file, "-o", tmp_path / "results")
    assert result.exit_code == 0, result.output
    assert count_frames(tmp_path / "results" / "clip.enhanced.mp4")[0] == 12


@pytest.mark.parametrize("name", ["out.png", "out.jpg", "frames.txt"])
def test_a_name_that_is_not_a_video_is_refused_before_any_work(fake_plugins, clip, tmp_path,
                                                              monkeypatch, name):
    from plateplug.video import run as video_run
    monkeypatch.setattr(video_run, "load_enhancer", lambda *a, **k: pytest.fail("model loaded"))
    assert_clean_error(run(clip, "-o", tmp_path / name),
                       f"cannot write {tmp_path / name}: {Path(name).suffix} is not a video "
                       "file name (use .mp4, .avi, .mkv or .mov)")
    assert sorted(os.listdir(tmp_path)) == ["clip.mp4"]


@pytest.mark.parametrize("crops, message", [
    ("out.mp4", "--crops {tmp}/out.mp4 is also the output video"),
    ("out.partial.mp4", "--crops {tmp}/out.partial.mp4 is also the output video"),
    ("clip.mp4", "--crops {tmp}/clip.mp4 is a file, not a folder"),
    (".", "{tmp}/crops.jsonl: refusing to overwrite the input"),  # the --boxes file
])
def test_clashing_output_paths_fail_before_any_frame(fake_plugins, clip, tmp_path, monkeypatch,
                                                     crops, message):
    from plateplug.video import run as video_run
    monkeypatch.setattr(video_run, "load_enhancer", lambda *a, **k: pytest.fail("model loaded"))
    boxes = tmp_path / "crops.jsonl"
    boxes.write_text('{"frame": 0, "boxes": [[1, 1, 9, 9]]}\n')
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    result = run(clip, "--boxes", boxes, "-o", tmp_path / "out.mp4", "--crops", tmp_path / crops)
    assert_clean_error(result, message.format(tmp=tmp_path))
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_output_whose_partial_file_would_replace_the_input(fake_plugins, tmp_path):
    clip = write_clip(tmp_path / "run.partial.mp4", frames=2)
    assert_clean_error(run(clip, "-o", tmp_path / "run.mp4"),
                       f"{clip}: refusing to overwrite the input")


def odd_clip(path, size=(161, 121), frames=4):
    """An MJPEG .avi of an odd size (OpenCV's FFmpeg writer cannot store one)."""
    writer = cv2.VideoWriter(str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter.fourcc(*"MJPG"),
                             10.0, size)
    for i in range(frames):
        writer.write(make_frame(i, size))
    writer.release()
    return path


def test_odd_size_is_kept_in_avi_and_padded_with_a_warning_in_mp4(fake_plugins, tmp_path):
    clip = odd_clip(tmp_path / "odd.avi")
    result = run(clip, "--detector", "bright", "-o", tmp_path / "same.avi")
    assert result.exit_code == 0, result.output
    assert count_frames(tmp_path / "same.avi") == (4, 10.0, (161, 121))
    assert "Warning" not in result.stderr
    result = run(clip, "--detector", "bright")
    assert result.exit_code == 0, result.output
    assert count_frames(tmp_path / "odd.enhanced.mp4") == (4, 10.0, (162, 122))
    assert ("Warning: odd.enhanced.mp4: mp4v video needs an even width and height, so the "
            "161x121 frames are stored as 162x122") in result.stderr


def test_a_truncated_file_is_reported(fake_plugins, fake_capture, tmp_path):
    (tmp_path / "in.avi").write_bytes(b"stand-in")
    fake_capture(FakeCapture([make_frame(i) for i in range(6)], fps=10.0, count=12))
    result = run(tmp_path / "in.avi", "--detector", "bright")
    assert result.exit_code == 0, result.output
    assert "Warning: " + str(tmp_path / "in.avi") + " ended at frame 6 of the 12" in result.stderr
    assert "6 frames, 6 plates" in result.stderr


def test_huge_box_values_are_a_clean_error_and_the_bound_works(fake_plugins, clip, tmp_path):
    boxes = tmp_path / "b.jsonl"
    boxes.write_text('{"frame": 2, "boxes": [[0, 0, 1e20, 1e20]]}\n')
    assert_clean_error(run(clip, "--boxes", boxes), f"{boxes}, line 1: box [0, 0, 1e+20, 1e+20]"
                       " has a coordinate beyond +-100,000 pixels")
    boxes.write_text('{"frame": 2, "boxes": [[-100000, -100000, 100000, 100000]]}\n')
    for layout in ("inset", "replace", "side-by-side"):
        result = run(clip, "--boxes", boxes, "--layout", layout, "--crops", tmp_path / "crops",
                     "-o", tmp_path / f"{layout}.mp4")
        assert result.exit_code == 0, result.output
        assert "12 frames, 1 plates" in result.stderr


def test_refuses_to_overwrite_the_input(fake_plugins, clip, boxes_file):
    assert_clean_error(run(clip, "--boxes", boxes_file, "-o", clip),
                       f"{clip}: refusing to overwrite the input")


def test_unknown_detector(fake_plugins, clip):
    assert_clean_error(run(clip, "--detector", "nope"), "unknown detector 'nope'")


def test_int8_without_an_installed_copy_is_a_clean_error(fake_plugins, clip, boxes_file):
    assert_clean_error(run(clip, "--boxes", boxes_file, "--precision", "int8"),
                       "enhancer 'fake' has no int8 copy installed (fake-int8")
    assert run(clip, "--boxes", boxes_file, "--precision", "fp16").exit_code == 2


def test_several_videos_are_done_one_after_another(fake_plugins, clip, tmp_path):
    (tmp_path / "more").mkdir()
    other = write_clip(tmp_path / "more" / "other.mp4")
    result = run(clip, other, "--detector", "bright")
    assert result.exit_code == 0, result.output
    assert "2 videos, one after another" in result.stderr
    assert clip.with_name("clip.enhanced.mp4").is_file()
    assert (tmp_path / "more" / "other.enhanced.mp4").is_file()


def test_a_video_and_an_image_are_refused(fake_plugins, clip, tmp_path):
    result = run(clip, tmp_path / "plate.png")
    assert result.exit_code == 2 and "one video file" in result.stderr


@pytest.mark.parametrize("cores, given, used", [(2, (), 1), (6, (), 4), (2, ("--threads", "2"), 2)])
def test_video_inference_threads_are_the_cores_left_unless_told(fake_plugins, tmp_path,
                                                                 monkeypatch, cores, given, used):
    from plateplug.video import run as video_run
    from plateplug.video import settings

    monkeypatch.setattr(settings, "cpu_cores", lambda: cores)

    seen = []
    real = video_run.load_enhancer
    monkeypatch.setattr(video_run, "load_enhancer", lambda name, device="auto", threads=None:
                        seen.append(threads) or real(name, device=device, threads=threads))
    monkeypatch.setattr(video_run, "load_detector",
                        lambda name, device, threads: seen.append(threads) or (lambda f: []))
    clip = write_clip(tmp_path / "in.mp4", frames=3)
    result = run(clip, *given)
    assert result.exit_code == 0, result.output
    assert seen == [used, used]
