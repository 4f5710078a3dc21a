"""Seconds per stage: the pipeline's own stages and the decode/encode threads."""

import time

import pytest
from videokit import FakeEnhancer

from plateplug.video import VideoSource, VideoWriter, process_video, read_boxes
from plateplug.video.stats import STAGES, StageTimes


def test_timed_adds_each_calls_wall_time_even_when_it_raises():
    times = StageTimes()
    nap = times.timed("detect", lambda: time.sleep(0.01))
    nap()
    nap()
    assert 0.02 <= times.seconds["detect"] < 1.0

    def fail():
        raise ValueError

    with pytest.raises(ValueError):
        times.timed("draw", fail)()
    assert times.seconds["draw"] > 0
    assert list(times.as_dict()) == list(STAGES)


def test_a_run_fills_every_stage(clip, boxes_file, tmp_path):
    times = StageTimes()
    with VideoSource(clip) as src:
        with VideoWriter(tmp_path / "out.mp4", src.fps, src.size) as writer:
            process_video(src, writer, FakeEnhancer(), boxes=read_boxes(boxes_file),
                          times=times)
        times.add("decode", src.decode_seconds)
        times.add("encode", writer.encode_seconds)
    assert all(times.seconds[s] > 0 for s in ("decode", "enhance", "draw", "encode"))
    assert times.seconds["detect"] == times.seconds["crops"] == 0  # boxes given, no crops
