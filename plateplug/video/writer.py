"""Write a video atomically: frames go to a temporary file beside the output, renamed on success.

Frames are encoded in a background thread (``WriteBehind``) while the caller prepares the
next ones. If writing stops early (Ctrl-C, an error), the frames done are kept as a playable
``<name>.partial<suffix>`` file and the output path itself is never left half-written.

OpenCV's FFmpeg writer drops the last column or row of an odd-sized frame. An odd-sized
``.avi`` is therefore written by OpenCV's own MJPEG writer, which keeps any size; other
containers get the frames padded to an even size (last column / row repeated) with an
``OutputSizeWarning`` saying so.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from plateplug.imageio import FILE_MODE
from plateplug.video.background import WriteBehind
from plateplug.video.errors import OutputError
from plateplug.video.sources import VIDEO_SUFFIXES

FOURCC = {".avi": "MJPG"}
DEFAULT_FOURCC = "mp4v"


class OutputSizeWarning(UserWarning):
    """The video is stored at a larger (even) size than its frames."""


def partial_path(path: Path) -> Path:
    """Where the frames of an interrupted write of ``path`` are kept."""
    return path.with_name(f"{path.stem}.partial{path.suffix}")


def _storage(size: tuple[int, int], code: str, suffix: str) -> tuple[int, tuple[int, int]]:
    """The OpenCV backend to write ``size`` frames with, and the padding (columns, rows) it
    needs: none when even, none for MJPEG .avi (OpenCV's own writer), else one where odd."""
    odd = (size[0] % 2, size[1] % 2)
    if odd != (0, 0) and suffix == ".avi" and code == "MJPG":
        return cv2.CAP_OPENCV_MJPEG, (0, 0)
    return cv2.CAP_ANY, odd


class VideoWriter:
    """Atomic video writer; use as a context manager or call ``close``/``abort``."""

    def __init__(self, path: str | os.PathLike[str], fps: float, size: tuple[int, int],
                 fourcc: str | None = None):
        self.path = Path(path)
        self.size = size
        self.frames = 0
        self.partial: Path | None = None
        self._finished = False
        folder = self.path.parent
        if self.path.is_dir():
            raise OutputError(f"cannot write {self.path}: it is a folder")
        suffix = self.path.suffix.lower()
        if suffix and suffix not in VIDEO_SUFFIXES:
            raise OutputError(f"cannot write {self.path}: {suffix} is not a video file name "
                              f"(use .mp4, .avi, .mkv or .mov)")
        suffix = suffix or ".mp4"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=f".part{suffix}",
                                       dir=folder)
        except OSError as exc:
            raise OutputError(f"cannot write to folder {folder}: {exc.strerror}") from None
        os.fchmod(fd, FILE_MODE)  # mkstemp's 0600 would keep the video from other users
        os.close(fd)
        self._tmp = Path(tmp)
        code = fourcc or FOURCC.get(suffix, DEFAULT_FOURCC)
        backend, self._pad = _storage(size, code, suffix)
        stored = (size[0] + self._pad[0], size[1] + self._pad[1])
        self._writer = cv2.VideoWriter(str(self._tmp), backend, cv2.VideoWriter.fourcc(*code),
                                       float(fps), stored)
        if not self._writer.isOpened():
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot encode {code} video as {self.path} "
                              f"(try a .mp4 or .avi name)")
        if self._pad != (0, 0):
            warnings.warn(f"{self.path.name}: {code} video needs an even width and height, so "
                          f"the {size[0]}x{size[1]} frames are stored as {stored[0]}x"
                          f"{stored[1]} (last column/row repeated); name the output .avi to "
                          f"keep {size[0]}x{size[1]}", OutputSizeWarning, stacklevel=2)
        self._behind = WriteBehind(self._writer.write)

    @property
    def encode_seconds(self) -> float:
        """Seconds the background thread has spent encoding so far."""
        return self._behind.busy

    def write(self, frame: np.ndarray) -> None:
        """Append one BGR uint8 frame of exactly ``size``. It is encoded in a background
        thread: do not change it afterwards (hand over a copy of a buffer you reuse)."""
        if (frame.shape[1], frame.shape[0]) != self.size:
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, "
                             f"the video is {self.size[0]}x{self.size[1]}")
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
            raise ValueError(f"frame must be H x W x 3 uint8 BGR, got {frame.dtype} "
                             f"{frame.shape}")
        if self._pad != (0, 0):
            frame = cv2.copyMakeBorder(frame, 0, self._pad[1], 0, self._pad[0],
                                       cv2.BORDER_REPLICATE)
        self._behind.put(frame)
        self.frames += 1

    def close(self) -> Path:
        """Finish the file and move it to ``path``."""
        try:
            self._behind.finish()
        except BaseException:  # an encoding error, or Ctrl-C / SIGTERM while finishing
            self.abort()
            raise
        self._writer.release()
        self._finished = True
        if self.frames == 0:
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"no frames to write to {self.path}")
        try:
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot write {self.path}: {exc.strerror}") from None
        return self.path

    def abort(self) -> Path | None:
        """Finish early: keep the frames done as ``partial_path(path)`` (None when none)."""
        if self._finished:
            return self.partial
        self._finished = True
        with contextlib.suppress(Exception):
            self._behind.finish()
        self._writer.release()
        self.frames = self._behind.written  # exact even if stopped half-way through a write
        if self.frames == 0:
            self._tmp.unlink(missing_ok=True)
            return None
        self.partial = partial_path(self.path)
        try:
            os.replace(self._tmp, self.partial)
        except OSError:
            self.partial = self._tmp
        return self.partial

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            with contextlib.suppress(Exception):
                self.abort()
