"""Memory stays flat over a long stream: nothing accumulates per frame."""

import tracemalloc

import numpy as np
import pytest
from videokit import FakeCapture

from plateplug.video import IoUTracker, VideoSource, VideoWriter, process_video

FRAMES = 3000


class EndlessCapture(FakeCapture):
    """Makes 64x48 frames on the fly, like a live camera."""

    def __init__(self, n: int):
        super().__init__([], fps=25.0)
        self.n = n

    def read(self):
        if self.position >= self.n:
            return False, None
        frame = np.full((48, 64, 3), self.position % 200, np.uint8)
        self.position += 1
        return True, frame


@pytest.mark.filterwarnings("ignore::plateplug.video.FrameWarning")
@pytest.mark.slow
def test_long_stream_keeps_memory_flat(fake_capture, tmp_path, enhancer):
    fake_capture(EndlessCapture(FRAMES))
    tracker = IoUTracker()
    # a plate that jumps every 7 frames (a new track each time) plus a steady one
    boxes = {i: [(2 + (i // 7) % 3 * 20, 4, 18 + (i // 7) % 3 * 20, 12), (10, 30, 40, 40)]
             for i in range(FRAMES)}
    samples = {}

    def sample(summary):
        if summary.frames in (1000, FRAMES):
            samples[summary.frames] = tracemalloc.get_traced_memory()[0]

    src = VideoSource(0, reconnect_delay=0, reconnects=0)
    tracemalloc.start()
    try:
        with VideoWriter(tmp_path / "long.mp4", src.fps, src.size) as writer:
            summary = process_video(src, writer, enhancer, layout="inset", boxes=boxes,
                                    tracker=tracker, on_frame=sample)
    finally:
        tracemalloc.stop()
    assert summary.frames == FRAMES and summary.plates == 2 * FRAMES
    # a leak of 128 bytes a frame would show; CPython's free lists account for a few kB
    assert samples[FRAMES] - samples[1000] < 256 * 1024
    assert len(tracker.tracks) <= 3 + tracker.max_lost
    assert max(tracker.tracks) > FRAMES // 7  # ids kept coming; old tracks were dropped
