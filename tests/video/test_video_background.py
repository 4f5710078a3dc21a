import threading

import numpy as np
import pytest

from plateplug.video import background
from plateplug.video.background import ReadAhead, WriteBehind


class CountingCapture:
    """Yields ``n`` frames whose first pixel is their number, then (False, None) for ever."""

    def __init__(self, n: int, fail_at: int | None = None):
        self.n, self.fail_at, self.reads, self.released = n, fail_at, 0, False

    def read(self):
        self.reads += 1
        if self.reads == self.fail_at:
            raise RuntimeError("decoder crashed")
        if self.reads > self.n:
            return False, None
        return True, np.full((2, 2, 3), self.reads, np.uint8)

    def get(self, prop):
        return 7.0

    def isOpened(self):  # noqa: N802
        return True

    def release(self):
        self.released = True


def test_read_ahead_returns_the_capture_results_in_order():
    capture = CountingCapture(10)
    ahead = ReadAhead(capture, depth=3)
    values = [int(ahead.read()[1][0, 0, 0]) for _ in range(10)]
    assert values == list(range(1, 11))
    assert ahead.read() == (False, None)
    assert ahead.get(5) == 7.0 and ahead.isOpened()
    ahead.release()
    assert capture.released


def test_read_ahead_stays_at_most_depth_frames_ahead():
    capture = CountingCapture(1000)
    ahead = ReadAhead(capture, depth=2)
    ahead.read()
    threading.Event().wait(0.2)
    assert capture.reads <= 1 + 2 + 1  # the one returned, the queue, one waiting to go in
    ahead.release()


def test_read_ahead_raises_the_capture_error_in_the_reader():
    ahead = ReadAhead(CountingCapture(10, fail_at=3))
    ahead.read(), ahead.read()
    with pytest.raises(RuntimeError, match="decoder crashed"):
        ahead.read()
    with pytest.raises(RuntimeError, match="decoder crashed"):
        ahead.read()
    ahead.release()


def test_release_stops_a_reader_blocked_on_a_full_queue():
    ahead = ReadAhead(CountingCapture(1000), depth=1)
    threading.Event().wait(0.1)
    ahead.release()
    assert not ahead._thread.is_alive()


def test_release_does_not_wait_for_the_readers_next_poll(monkeypatch):
    monkeypatch.setattr(background, "_POLL_S", 60.0)  # a put waiting for room polls rarely
    ahead = ReadAhead(CountingCapture(1000), depth=1)
    threading.Event().wait(0.1)  # the queue is full, the thread waits to put the next frame
    releasing = threading.Thread(target=ahead.release)
    releasing.start()
    releasing.join(timeout=10)
    assert not releasing.is_alive() and not ahead._thread.is_alive()


def test_write_behind_writes_every_frame_in_order():
    written = []
    behind = WriteBehind(lambda frame: written.append(int(frame[0, 0, 0])), depth=2)
    for i in range(20):
        behind.put(np.full((2, 2, 3), i, np.uint8))
    behind.finish()
    assert written == list(range(20))


def test_write_behind_raises_a_write_error_in_the_caller():
    def write(frame):
        raise OSError("disk full")

    behind = WriteBehind(write, depth=1)
    behind.put(np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(OSError, match="disk full"):
        for _ in range(10):  # raised by a later put or by finish
            behind.put(np.zeros((2, 2, 3), np.uint8))
        behind.finish()
    behind.finish()  # reported once; finishing again is quiet


def test_read_ahead_hands_ctrl_c_in_the_reader_thread_to_the_caller():
    class Interrupted(CountingCapture):
        def read(self):
            raise KeyboardInterrupt

    ahead = ReadAhead(Interrupted(5))
    with pytest.raises(KeyboardInterrupt):
        ahead.read()
    ahead.release()
