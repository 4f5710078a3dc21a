import os

import pytest
from videokit import count_frames, make_frame

from plateplug.video import OutputError, VideoWriter, partial_path
from plateplug.video import writer as writer_module


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


def test_error_keeps_a_playable_partial_file_and_no_output(tmp_path):
    target = tmp_path / "out.mp4"
    with pytest.raises(KeyboardInterrupt), VideoWriter(target, 10.0, (160, 120)) as writer:
        for i in range(3):
            writer.write(make_frame(i))
        raise KeyboardInterrupt
    assert writer.partial == partial_path(target) == tmp_path / "out.partial.mp4"
    assert os.listdir(tmp_path) == ["out.partial.mp4"]
    assert count_frames(writer.partial)[0] == 3


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
    ("missing/out.mp4", "does not exist"),
    (".", "is a folder"),
])
def test_unwritable_outputs(tmp_path, name, message):
    with pytest.raises(OutputError, match=message):
        VideoWriter(tmp_path / name, 10.0, (64, 48))


def test_read_only_folder(tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(writer_module.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="cannot write to folder .*: Permission denied"):
        VideoWriter(tmp_path / "out.mp4", 10.0, (64, 48))


def test_unknown_container(tmp_path):
    with pytest.raises(OutputError, match="cannot encode"):
        VideoWriter(tmp_path / "out.notavideo", 10.0, (64, 48))
    assert os.listdir(tmp_path) == []
