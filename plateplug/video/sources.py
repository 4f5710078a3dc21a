"""Open a video file, camera index or stream URL and read its frames.

Undecodable frames are skipped with a warning and counted (``VideoSource.skipped``); a
camera or stream that drops is reopened a few times before the source ends; a file that
ends well before the frame count it declares (truncated) is read to its end with a warning.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import cv2
import numpy as np

from plateplug.video.background import ReadAhead
from plateplug.video.errors import SourceError

VIDEO_SUFFIXES = frozenset({
    ".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv",
    ".ts", ".m2ts", ".mts", ".3gp", ".ogv",
})
STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "rtp", "udp", "tcp", "srt", "http", "https")
DEFAULT_FPS = 25.0
SHORT_END_TOLERANCE = 2  # frames a declared count may be off by (containers estimate some)

SourceLike = str | int | os.PathLike


class FrameWarning(UserWarning):
    """Frames were skipped or a stream dropped."""


def open_capture(target: str | int) -> Any:
    """The capture factory: a ``cv2.VideoCapture`` for ``target`` (tests replace it)."""
    return cv2.VideoCapture(target)


def is_stream_url(text: str) -> bool:
    """True for URLs such as ``rtsp://host/path`` or ``https://host/live.m3u8``."""
    return urlsplit(text).scheme.lower() in STREAM_SCHEMES and "://" in text


def is_camera(text: str) -> bool:
    """True for a camera index (``"0"``) or a V4L2 device path (``/dev/video0``)."""
    return text.isdigit() or re.fullmatch(r"/dev/video\d+", text) is not None


def is_video_source(text: str) -> bool:
    """True for a video file name, a camera index or device, or a stream URL."""
    return is_camera(text) or is_stream_url(text) or Path(text).suffix.lower() in VIDEO_SUFFIXES


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


class VideoSource:
    """Frames of a video file, camera or stream; iterate for ``(index, frame)`` pairs.

    ``index`` counts frame positions, skipped ones included, so it matches ``--boxes``
    frame numbers. ``frame_count`` is None for cameras, live streams and files without
    one. ``is_live`` sources (cameras, streams of unknown length) are reopened when they
    drop; the others end at their last frame.
    """

    def __init__(self, source: SourceLike, *, reconnects: int = 3,
                 reconnect_delay: float = 1.0, max_bad_frames: int = 50):
        self.target, self.kind = _resolve(source)
        self.name = redact(self.target) if isinstance(self.target, str) else f"camera {source}"
        self.reconnects = reconnects
        self.reconnect_delay = reconnect_delay
        self.max_bad_frames = max_bad_frames
        self.skipped = 0
        self._cap = open_capture(self.target)
        if not self._cap.isOpened():
            self._cap.release()
            raise SourceError(self._open_failure())
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0)
        self.fps = fps if 0 < fps < 1000 else DEFAULT_FPS
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.frame_count: int | None = count if self.kind != "camera" and count > 0 else None
        self.is_live = self.kind == "camera" or self.frame_count is None and self.kind == "stream"
        ok, frame = self._cap.read()
        if not ok or not _is_frame(frame):
            self._cap.release()
            raise SourceError(f"{self.name} has no decodable video frames")
        self.size: tuple[int, int] = (frame.shape[1], frame.shape[0])
        self._first: np.ndarray | None = frame
        if not self.is_live:
            self._cap = ReadAhead(self._cap)  # decode the next frames while these are used

    @property
    def decode_seconds(self) -> float | None:
        """Seconds spent decoding so far, for files (decoded in a background thread); None
        for cameras and streams, which are decoded as they are read."""
        return self._cap.busy if isinstance(self._cap, ReadAhead) else None

    def _open_failure(self) -> str:
        if self.kind == "camera":
            return f"cannot open {self.name}"
        if self.kind == "stream":
            return f"cannot connect to {self.name}"
        return f"cannot read {self.name} as a video (not a video file, or an unsupported codec)"

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        if self._first is None:
            raise SourceError(f"{self.name} can only be read once")
        frame, self._first = self._first, None
        yield 0, frame
        index, failed, reconnects = 1, 0, 0
        while True:
            ok, frame = self._cap.read()
            if ok and _is_frame(frame):
                if failed:
                    self._skip(failed, index)
                    failed = 0
                reconnects = 0
                if (frame.shape[1], frame.shape[0]) != self.size:
                    frame = cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA)
                yield index, frame
                index += 1
            elif self.is_live:
                while reconnects < self.reconnects:
                    reconnects += 1
                    if self._reconnect():
                        break
                else:
                    warnings.warn(f"lost {self.name} after {index} frames "
                                  f"({self.reconnects} reconnection attempts failed)",
                                  FrameWarning, stacklevel=2)
                    return
            else:
                failed += 1
                index += 1
                if self.frame_count is not None and index >= self.frame_count:
                    self._check_end(index - failed, self.frame_count)
                    return
                if failed > self.max_bad_frames:
                    if self.frame_count is None:
                        return  # most likely the end of a file that does not say its length
                    warnings.warn(f"stopped reading {self.name}: {failed} unreadable frames "
                                  f"in a row at frame {index - failed}", FrameWarning,
                                  stacklevel=2)
                    return

    def _check_end(self, end: int, declared: int) -> None:
        """Warn when reading ended at frame ``end``, well short of the ``declared`` count (a
        few missing frames at the end are the container's estimate being off)."""
        if declared - end > max(SHORT_END_TOLERANCE, declared // 100):
            warnings.warn(f"{self.name} ended at frame {end} of the {declared} it declares "
                          f"(truncated or damaged file?)", FrameWarning, stacklevel=3)

    def _skip(self, count: int, index: int) -> None:
        self.skipped += count
        first = index - count
        which = f"frame {first}" if count == 1 else f"frames {first}-{index - 1}"
        warnings.warn(f"skipped undecodable {which} of {self.name}", FrameWarning, stacklevel=3)

    def _reconnect(self) -> bool:
        self._cap.release()
        time.sleep(self.reconnect_delay)
        self._cap = open_capture(self.target)
        return bool(self._cap.isOpened())

    def close(self) -> None:
        """Release the capture."""
        self._cap.release()

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_frame(frame: Any) -> bool:
    return (isinstance(frame, np.ndarray) and frame.dtype == np.uint8 and frame.ndim == 3
            and frame.shape[2] == 3 and frame.shape[0] > 0 and frame.shape[1] > 0)


def _resolve(source: SourceLike) -> tuple[str | int, str]:
    """(capture target, kind) where kind is 'file', 'camera' or 'stream'."""
    if isinstance(source, bool):
        raise TypeError(f"a video source is a path, URL or camera index, not {source!r}")
    if isinstance(source, int):
        return source, "camera"
    text = os.fspath(source)
    if text.isdigit():
        return int(text), "camera"
    if is_camera(text):
        return text, "camera"
    if is_stream_url(text):
        return text, "stream"
    path = Path(text)
    if not path.exists():
        raise SourceError(f"{path} does not exist")
    if not path.is_file():
        raise SourceError(f"{path} is not a file")
    if path.stat().st_size == 0:
        raise SourceError(f"{path} is empty")
    return str(path), "file"
