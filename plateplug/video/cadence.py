"""When to run the detector on a video: every N-th frame, and at once after a scene cut.

Between two detections the tracker moves the last boxes on (``tracker.py``). That holds
while a shot goes on; after a cut (an edited video, a camera switch, a clip made of shots)
the moved-on boxes sit on whatever the new shot shows there, and its plates wait for the
next detection. A cut is a frame whose coarse grey picture (``CUT_SAMPLES`` pixels across,
taken every so many pixels: next to nothing per frame) differs from the previous
frame's by more than ``CUT_DIFFERENCE`` grey levels on average. On the shipped clips
(``examples/``) the frames within a shot differ by at most 4.6 levels (``street.mp4``'s
slow zooms) and 2.2 (``sample.mp4``, dashcam frames at 10 fps), their cuts by 14 to 79.
A fast pan may pass for a cut: that costs one detection more, nothing else.
"""

from __future__ import annotations

import cv2
import numpy as np

CUT_SAMPLES = 64  # grey samples across the frame's width
CUT_DIFFERENCE = 8.0  # mean absolute grey difference of two frames' samples


def coarse_grey(frame: np.ndarray) -> np.ndarray:
    """About ``CUT_SAMPLES`` x ``CUT_SAMPLES * h / w`` grey pixels of a BGR or grey frame,
    taken on a regular grid (no averaging: cheap, and enough to tell two shots apart)."""
    step = max(1, frame.shape[1] // CUT_SAMPLES)
    samples = np.ascontiguousarray(frame[step // 2::step, step // 2::step])
    return cv2.cvtColor(samples, cv2.COLOR_BGR2GRAY) if samples.ndim == 3 else samples


class CutDetector:
    """Called on each frame of a video in order: True when the frame starts a new shot."""

    def __init__(self, threshold: float = CUT_DIFFERENCE):
        self.threshold = threshold
        self._previous: np.ndarray | None = None

    def __call__(self, frame: np.ndarray) -> bool:
        grey = coarse_grey(frame)
        previous, self._previous = self._previous, grey
        if previous is None or previous.shape != grey.shape:
            return False
        return cv2.norm(grey, previous, cv2.NORM_L1) / grey.size > self.threshold


class DetectCadence:
    """Called on each frame of a video in order: whether to run the detector on it. The
    first frame, then every ``every``-th frame after the last detection, and with
    ``at_cuts`` also each frame that starts a new shot (``CutDetector``)."""

    def __init__(self, every: int = 1, at_cuts: bool = True):
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.every = every
        self.cuts = CutDetector() if at_cuts and every > 1 else None
        self._since = every  # frames since the last detection

    def __call__(self, frame: np.ndarray) -> bool:
        cut = self.cuts(frame) if self.cuts is not None else False
        if cut or self._since >= self.every:
            self._since = 1
            return True
        self._since += 1
        return False
