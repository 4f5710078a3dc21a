"""Decode ahead and encode behind in background threads, so that video I/O overlaps with
detection and enhancement (OpenCV and onnxruntime release the GIL while they work).

Both queues are bounded, so memory stays flat however long the video is. Each keeps
``busy``: the seconds its thread has spent decoding (``read``) or encoding (``write``).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

DEPTH = 4
_POLL_S = 0.1
_DONE = object()


class ReadAhead:
    """Wraps a ``cv2.VideoCapture``-like object: a thread calls ``read()`` up to ``depth``
    frames ahead; ``read``, ``get``, ``isOpened`` and ``release`` work as on the capture."""

    def __init__(self, capture: Any, depth: int = DEPTH):
        self._capture = capture
        self.busy = 0.0
        self._results: queue.Queue[Any] = queue.Queue(depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="plateplug-read-ahead",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            try:
                result: Any = self._capture.read()
            except BaseException as exc:  # handed to the reader (even Ctrl-C), raised there
                result = exc
            self.busy += time.perf_counter() - start
            while not self._stop.is_set():
                try:
                    self._results.put(result, timeout=_POLL_S)
                    break
                except queue.Full:
                    continue
            if isinstance(result, BaseException):
                return

    def read(self) -> tuple[bool, np.ndarray | None]:
        """The next ``(ok, frame)`` of the capture, in order."""
        result = self._results.get()
        if isinstance(result, BaseException):
            self._results.put(result)  # every later read fails the same way
            raise result
        return result

    def get(self, prop: int) -> float:
        return self._capture.get(prop)

    def isOpened(self) -> bool:  # noqa: N802 - the cv2.VideoCapture name
        return self._capture.isOpened()

    def release(self) -> None:
        """Stop the thread (emptying the queue, so that a thread waiting to hand over a
        frame sees the stop at once instead of after its next poll), then release the
        capture."""
        self._stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._results.get_nowait()
        self._thread.join()
        self._capture.release()


class WriteBehind:
    """Calls ``write(frame)`` in a thread for each frame handed to ``put``, in order (its
    result ignored); ``finish`` writes what is queued and returns. After an error in ``write``
    nothing more is written; the error is raised once, by the next ``put`` or by ``finish``.
    ``written`` counts the frames written (final once ``finish`` returns)."""

    def __init__(self, write: Callable[[np.ndarray], object], depth: int = DEPTH):
        self._write = write
        self.written = 0
        self.busy = 0.0
        self._frames: queue.Queue[Any] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._failed = False
        self._thread = threading.Thread(target=self._run, name="plateplug-write-behind",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (frame := self._frames.get()) is not _DONE:
            if not self._failed:
                start = time.perf_counter()
                try:
                    self._write(frame)
                    self.written += 1
                except Exception as exc:  # raised in the caller's thread
                    self._error, self._failed = exc, True
                self.busy += time.perf_counter() - start

    def put(self, frame: np.ndarray) -> None:
        """Queue ``frame``; blocks while ``depth`` frames wait."""
        self._raise()
        self._frames.put(frame)

    def finish(self) -> None:
        """Write every queued frame and stop the thread."""
        if self._thread.is_alive():
            self._frames.put(_DONE)
            self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
