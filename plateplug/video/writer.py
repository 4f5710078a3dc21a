"""Write a video atomically: frames go to a temporary file beside the output, renamed on success.

Frames are encoded in a background thread (``WriteBehind``) while the caller prepares the
next ones. If writing stops early (Ctrl-C, an error), the frames done are kept as a playable
``<name>.partial<suffix>`` file and the output path itself is never left half-written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from plateplug.video.background import WriteBehind
from plateplug.video.errors import OutputError

FOURCC = {".avi": "MJPG"}
DEFAULT_FOURCC = "mp4v"


def partial_path(path: Path) -> Path:
    """Where the frames of an interrupted write of ``path`` are kept."""
    return path.with_name(f"{path.stem}.partial{path.suffix}")


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
        if not folder.is_dir():
            raise OutputError(f"cannot write {self.path}: folder {folder} does not exist")
        suffix = self.path.suffix.lower() or ".mp4"
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=f".part{suffix}",
                                       dir=folder)
        except OSError as exc:
            raise OutputError(f"cannot write to folder {folder}: {exc.strerror}") from None
        os.close(fd)
        self._tmp = Path(tmp)
        code = fourcc or FOURCC.get(suffix, DEFAULT_FOURCC)
        self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter.fourcc(*code),
                                       float(fps), size)
        if not self._writer.isOpened():
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot encode {code} video as {self.path} "
                              f"(try a .mp4 or .avi name)")
        self._behind = WriteBehind(self._writer.write)

    def write(self, frame: np.ndarray) -> None:
        """Append one BGR uint8 frame of exactly ``size``. It is encoded in a background
        thread: do not change it afterwards (hand over a copy of a buffer you reuse)."""
        if (frame.shape[1], frame.shape[0]) != self.size:
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, "
                             f"the video is {self.size[0]}x{self.size[1]}")
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
            raise ValueError(f"frame must be H x W x 3 uint8 BGR, got {frame.dtype} "
                             f"{frame.shape}")
        self._behind.put(frame)
        self.frames += 1

    def close(self) -> Path:
        """Finish the file and move it to ``path``."""
        try:
            self._behind.finish()
        except Exception:
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
