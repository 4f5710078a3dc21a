import os

import cv2
import numpy as np
import pytest
from videokit import count_frames, make_frame

from plateplug.video import OutputError, OutputSizeWarning, VideoWriter, partial_path
from plateplug.video import writer as writer_module


def plain_mode() -> int:
    """The mode a plain ``open`` gives a new file here (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def test_writes_atomically_keeping_fps_and_size(tmp_path):
    target = tmp_path / "out.mp4"
    target.write_bytes(b"previous result")
    with VideoWriter(target, 12.0, (160, 120)) as writer:
        for i in range(5):
            writer.write(make_frame(i))
            assert target.read_bytes() == b"previous result"  # untouched until complete
        temps = [p for p in os.listdir(tmp_path) if p != "out.mp4"]
        assert len(temps) == 1 and temps[0].startswith(".out.") and temps[0].endswith(".mp4")
    assert os.listdir(tmp_path) == ["out.mp4"]
    assert count_frames(target) == (5, 12.0, (160, 120))
    assert target.stat().st_mode & 0o777 == plain_mode()  # not mkstemp's 0600


def test_error_keeps_a_playable_partial_file_and_no_output(tmp_path):
    target = tmp_path / "out.mp4"
    with pytest.raises(KeyboardInterrupt), VideoWriter(target, 10.0, (160, 120)) as writer:
        for i in range(3):
            writer.write(make_frame(i))
        raise KeyboardInterrupt
    assert writer.partial == partial_path(target) == tmp_path / "out.partial.mp4"
    assert os.listdir(tmp_path) == ["out.partial.mp4"]
    assert count_frames(writer.partial)[0] == 3
    assert writer.partial.stat().st_mode & 0o777 == plain_mode()


def test_error_before_any_frame_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), VideoWriter(tmp_path / "out.mp4", 10.0, (64, 48)):
        raise RuntimeError("boom")
    assert os.listdir(tmp_path) == []


def test_wrong_frame_size_is_refused(tmp_path):
    writer = VideoWriter(tmp_path / "out.mp4", 10.0, (64, 48))
    with pytest.raises(ValueError, match="the video is 64x48"):
        writer.write(make_frame(0))
    writer.abort()


@pytest.mark.parametrize("name, message", [
    ("file.txt/out.mp4", "cannot write to folder .*file.txt"),
    (".", "is a folder"),
])
def test_unwritable_outputs(tmp_path, name, message):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    with pytest.raises(OutputError, match=message):
        VideoWriter(tmp_path / name, 10.0, (64, 48))


def test_missing_folders_are_created_like_for_images(tmp_path):
    target = tmp_path / "new" / "sub" / "out.mp4"
    with VideoWriter(target, 10.0, (160, 120)) as writer:
        writer.write(make_frame(0))
    assert count_frames(target) == (1, 10.0, (160, 120))


def test_read_only_folder(tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(writer_module.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="cannot write to folder .*: Permission denied"):
        VideoWriter(tmp_path / "out.mp4", 10.0, (64, 48))


@pytest.mark.parametrize("name", ["out.png", "out.jpg", "out.notavideo"])
def test_a_name_that_is_not_a_video_is_refused(tmp_path, name):
    with pytest.raises(OutputError, match=rf"{name}: \.\w+ is not a video file name \(use .mp4"):
        VideoWriter(tmp_path / name, 10.0, (64, 48))
    assert os.listdir(tmp_path) == []


def test_container_opencv_cannot_encode(tmp_path):
    with pytest.raises(OutputError, match="cannot encode mp4v video as .*out.webm"):
        VideoWriter(tmp_path / "out.webm", 10.0, (64, 48))
    assert os.listdir(tmp_path) == []


def test_odd_size_is_kept_exactly_in_avi(tmp_path, recwarn):
    target = tmp_path / "odd.avi"
    with VideoWriter(target, 10.0, (161, 121)) as writer:
        for i in range(3):
            writer.write(make_frame(i, (161, 121)))
    assert count_frames(target) == (3, 10.0, (161, 121))
    assert not [w for w in recwarn if issubclass(w.category, OutputSizeWarning)]


def test_odd_size_is_padded_to_even_in_mp4_with_a_warning(tmp_path):
    target = tmp_path / "odd.mp4"
    frame = make_frame(0, (161, 121))
    with pytest.warns(OutputSizeWarning, match="the 161x121 frames are stored as 162x122 "
                      r"\(last column/row repeated\); name the output .avi to keep 161x121"), \
            VideoWriter(target, 10.0, (161, 121)) as writer:
        writer.write(frame)
    assert count_frames(target) == (1, 10.0, (162, 122))
    cap = cv2.VideoCapture(str(target))
    stored = cap.read()[1]
    cap.release()
    assert np.abs(stored[:121, 160].astype(int) - frame[:, 160]).mean() < 8  # repeated column
    assert np.abs(stored[121, :161].astype(int) - frame[120]).mean() < 8    # repeated row
