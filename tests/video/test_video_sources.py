import cv2
import numpy as np
import pytest
from videokit import FakeCapture, count_frames, make_frame

from plateplug.video import FrameWarning, SourceError, VideoSource


def frames(n, size=(64, 48)):
    return [make_frame(i, size) for i in range(n)]


def test_reads_a_file_with_fps_size_and_count(clip):
    with VideoSource(clip) as src:
        assert (src.fps, src.size, src.frame_count, src.is_live) == (10.0, (160, 120), 12, False)
        got = list(src)
    assert [i for i, _ in got] == list(range(12))
    assert got[0][1].shape == (120, 160, 3)


def _write(path, data):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.mp4", "does not exist"),
    (lambda p: _write(p / "empty.mp4", b""), "is empty"),
    (lambda p: _write(p / "notes.mp4", b"hello, not a video\n" * 50), "cannot read"),
    (lambda p: p, "is not a file"),
])
def test_bad_files_raise_source_error(tmp_path, make, message):
    with pytest.raises(SourceError, match=message):
        VideoSource(make(tmp_path))


def test_camera_index_uses_the_capture_factory(fake_capture):
    opened = fake_capture(FakeCapture(frames(5), fps=30.0, count=-1))
    with VideoSource("0", reconnect_delay=0) as src:
        assert src.is_live and src.frame_count is None and src.fps == 30.0
        with pytest.warns(FrameWarning, match="lost camera 0"):
            assert len(list(src)) == 5
    assert opened[0] == 0


def test_unopenable_camera(fake_capture):
    fake_capture(FakeCapture([], opened=False))
    with pytest.raises(SourceError, match="cannot open camera 3"):
        VideoSource(3)


def test_a_bool_is_not_a_camera_index():
    with pytest.raises(TypeError, match="not True"):
        VideoSource(True)


def test_rtsp_url_hides_its_password(fake_capture):
    fake_capture(FakeCapture([], opened=False))
    with pytest.raises(SourceError, match="cannot connect") as info:
        VideoSource("rtsp://admin:secret@10.0.0.5:554/stream1")
    assert "secret" not in str(info.value) and "admin:***@10.0.0.5:554" in str(info.value)


def test_dropped_stream_is_reconnected(fake_capture):
    first = frames(4)
    opened = fake_capture(FakeCapture(first[:2]), FakeCapture([], opened=False),
                          FakeCapture(first[2:]))
    src = VideoSource("rtsp://cam/live", reconnect_delay=0)
    with pytest.warns(FrameWarning, match="lost rtsp://cam/live after 4 frames"):
        got = [i for i, _ in src]
    assert got == [0, 1, 2, 3]
    assert opened.count("rtsp://cam/live") == 6  # open, 2 retries, 3 more at the end


def test_undecodable_frames_are_skipped_counted_and_keep_their_index(fake_capture, tmp_path):
    items = frames(6)
    items[2] = None
    items[3] = np.zeros((4,), np.uint8)  # garbage from the decoder
    fake_capture(FakeCapture(items, fps=10, count=6))
    src = VideoSource(_write(tmp_path / "clip.mp4", b"x"))
    with pytest.warns(FrameWarning, match="skipped undecodable frames 2-3"):
        got = [i for i, _ in src]
    assert got == [0, 1, 4, 5] and src.skipped == 2


def test_file_stops_after_too_many_bad_frames_in_a_row(fake_capture, tmp_path):
    fake_capture(FakeCapture(frames(2) + [None] * 10 + frames(2), count=14))
    src = VideoSource(_write(tmp_path / "clip.mp4", b"x"), max_bad_frames=5)
    with pytest.warns(FrameWarning, match="6 unreadable frames in a row at frame 2"):
        assert [i for i, _ in src] == [0, 1]


def test_source_with_no_decodable_frame(fake_capture):
    fake_capture(FakeCapture([None, None]))
    with pytest.raises(SourceError, match="no decodable video frames"):
        VideoSource(0)


def test_frames_of_another_size_are_resized(fake_capture):
    fake_capture(FakeCapture([make_frame(0, (64, 48)), make_frame(1, (128, 96))]))
    with pytest.warns(FrameWarning):
        shapes = [f.shape for _, f in VideoSource(0, reconnect_delay=0)]
    assert shapes == [(48, 64, 3), (48, 64, 3)]


def test_count_frames_helper_sees_the_clip(clip):
    assert count_frames(clip) == (12, 10.0, (160, 120))


def test_a_url_of_known_length_ends_like_a_file(fake_capture):
    opened = fake_capture(FakeCapture(frames(3), fps=10.0, count=3))
    with VideoSource("https://host/clip.mp4") as src:
        assert not src.is_live and src.frame_count == 3
        assert [i for i, _ in src] == [0, 1, 2]
    assert len(opened) == 1  # not reopened (which would replay it) at its end


def test_file_of_unknown_length_ends_quietly(fake_capture, tmp_path, recwarn):
    fake_capture(FakeCapture(frames(3)))
    src = VideoSource(_write(tmp_path / "clip.mkv", b"x"), max_bad_frames=5)
    assert src.frame_count is None and not src.is_live
    assert [i for i, _ in src] == [0, 1, 2] and src.skipped == 0
    assert not recwarn.list


def test_file_ending_well_before_its_declared_count_warns(fake_capture, tmp_path):
    fake_capture(FakeCapture(frames(6), fps=10.0, count=12))
    src = VideoSource(_write(tmp_path / "clip.avi", b"x"))
    with pytest.warns(FrameWarning, match=r"clip.avi ended at frame 6 of the 12 it declares "
                      r"\(truncated or damaged file\?\)"):
        assert [i for i, _ in src] == list(range(6))


def test_a_frame_or_two_short_of_the_declared_count_is_quiet(fake_capture, tmp_path, recwarn):
    fake_capture(FakeCapture(frames(10), fps=10.0, count=12))
    assert [i for i, _ in VideoSource(_write(tmp_path / "clip.mkv", b"x"))] == list(range(10))
    assert not recwarn.list


def test_truncated_avi_file_warns(tmp_path):
    path = tmp_path / "full.avi"
    writer = cv2.VideoWriter(str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter.fourcc(*"MJPG"),
                             10.0, (160, 120))
    for i in range(12):
        writer.write(make_frame(i))
    writer.release()
    data = path.read_bytes()
    cut = _write(tmp_path / "cut.avi", data[:len(data) // 2])
    with VideoSource(cut) as src, pytest.warns(FrameWarning, match="of the 12 it declares"):
        assert src.frame_count == 12
        assert 0 < len(list(src)) < 10
