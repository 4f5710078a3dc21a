"""When to read a tracked plate: OCR costs far more than enhancement (RapidOCR takes about
1.4 s per crop on a 2-core CPU), so each track is read now and then, not in every frame."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from plateplug.errors import ReadingError

FOCUS_HEIGHT = 32  # the focus measure is taken at this height, so it does not grow with size


def crop_quality(crop: np.ndarray) -> float:
    """How readable a crop looks, bigger and sharper being better: its height in pixels
    times the spread (standard deviation) of its Laplacian once resized to FOCUS_HEIGHT px
    high, a focus measure that blur lowers whatever the crop's size."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    h, w = grey.shape[:2]
    width = max(1, round(w * FOCUS_HEIGHT / h))
    small = cv2.resize(grey, (width, FOCUS_HEIGHT), interpolation=cv2.INTER_AREA)
    return h * float(cv2.Laplacian(small, cv2.CV_32F).std())


@dataclass(frozen=True)
class ReadPolicy:
    """Which crops of a track get read.

    A track is read the first time it is seen, then again once ``every`` frames have passed
    since its last read, up to ``max_reads`` reads (None: no cap). With ``sharper_only`` a
    due crop is read only when its ``crop_quality`` beats that of every crop read before for
    the track. ``ReadPolicy(every=1, max_reads=None)`` reads every plate in every frame.
    """

    every: int = 5
    max_reads: int | None = 5
    sharper_only: bool = False

    def __post_init__(self) -> None:
        if self.every < 1:
            raise ReadingError(f"every must be at least 1 frame, got {self.every}")
        if self.max_reads is not None and self.max_reads < 1:
            raise ReadingError(f"max_reads must be at least 1 (or None), got {self.max_reads}")

    def due(self, frame: int, reads: int, last_read: int | None, best_quality: float,
            quality: float) -> bool:
        """Whether to read a crop of ``quality`` at ``frame`` for a track read ``reads``
        times so far, last at frame ``last_read`` (None: never), its best read crop having
        ``best_quality``."""
        if self.max_reads is not None and reads >= self.max_reads:
            return False
        if last_read is None:
            return True
        if frame - last_read < self.every:
            return False
        return not self.sharper_only or quality > best_quality
