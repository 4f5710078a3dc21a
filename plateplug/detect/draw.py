"""Draw detections on a frame (for ``plateplug detect -o`` and previews)."""

from __future__ import annotations

import cv2
import numpy as np

from plateplug.detect.detection import Detection

COLOUR = (0, 255, 0)


def draw_detections(frame: np.ndarray, found: list[Detection]) -> np.ndarray:
    """A copy of ``frame`` (BGR) with each box and its score drawn."""
    out = frame.copy()
    thickness = max(1, round(min(frame.shape[:2]) / 360))
    for d in found:
        x1, y1, x2, y2 = d.box
        cv2.rectangle(out, (x1, y1), (x2, y2), COLOUR, thickness)
        cv2.putText(out, f"{d.score:.2f}", (x1, max(y1 - 4, 10)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.4 * thickness, COLOUR, thickness)
    return out
