"""Turn a CenterNet-style output map into scored boxes, and the geometry around it.

The ``centernet`` encoding has five channels per cell (i, j) of an ``stride``-pixel grid:
plate-centre probability, centre offset x and y inside the cell (in cells), and log of the
box width and height in cells. A box is kept where the probability is a 3x3 local maximum
above the threshold; overlapping boxes are then suppressed (NMS).
"""

from __future__ import annotations

import cv2
import numpy as np

from plateplug.data.boxes import iou
from plateplug.images import resize

ENCODINGS = ("centernet",)


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """Indices of the boxes kept by greedy non-maximum suppression, best first."""
    order = np.argsort(-scores, kind="stable")
    overlaps = iou(boxes, boxes)
    keep: list[int] = []
    suppressed = np.zeros(len(boxes), bool)
    for i in order:
        if suppressed[i]:
            continue
        keep.append(int(i))
        suppressed |= overlaps[i] > threshold
    return np.array(keep, np.int64)


def decode_centernet(output: np.ndarray, stride: int, threshold: float, max_detections: int,
                     nms_iou: float) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (K x 4, input pixels) and scores (K) from one 5 x h x w output map."""
    heat = np.ascontiguousarray(output[0], np.float32)
    peaks = (heat >= cv2.dilate(heat, np.ones((3, 3), np.uint8))) & (heat >= threshold)
    ys, xs = np.nonzero(peaks)
    scores = heat[ys, xs]
    top = np.argsort(-scores, kind="stable")[:max_detections]
    ys, xs, scores = ys[top], xs[top], scores[top]
    cx = (xs + output[1, ys, xs]) * stride
    cy = (ys + output[2, ys, xs]) * stride
    w = np.exp(np.clip(output[3, ys, xs], -10, 10)) * stride
    h = np.exp(np.clip(output[4, ys, xs], -10, 10)) * stride
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    if len(boxes) == 0:
        return boxes.reshape(0, 4), scores
    keep = nms(boxes, scores, nms_iou)
    return boxes[keep], scores[keep]


def fit(frame: np.ndarray, size: tuple[int, int], max_upscale: float = 1.0,
        interpolation: int | None = None) -> tuple[np.ndarray, float]:
    """``frame`` scaled to fit ``size`` (W, H) keeping its aspect, never enlarged more than
    ``max_upscale`` times, by ``plateplug.images.resize`` unless ``interpolation`` is given.
    Returns the scaled image and the scale."""
    w, h = size
    fh, fw = frame.shape[:2]
    scale = min(w / fw, h / fh, max_upscale)
    nw, nh = min(w, max(1, round(fw * scale))), min(h, max(1, round(fh * scale)))
    if interpolation is None:
        return resize(frame, (nw, nh)), scale
    return cv2.resize(frame, (nw, nh), interpolation=interpolation), scale


def letterbox(frame: np.ndarray, size: tuple[int, int], pad_value: int,
              max_upscale: float = 1.0, centre: bool = False, interpolation: int | None = None
              ) -> tuple[np.ndarray, float, tuple[int, int]]:
    """``frame`` scaled by ``fit`` and padded right/bottom (or on both sides when ``centre``)
    to ``size`` (W, H).

    Returns the canvas, the scale and the (x, y) offset of the frame in it: a frame point p
    lands at ``p * scale + offset``.
    """
    w, h = size
    resized, scale = fit(frame, size, max_upscale, interpolation)
    nh, nw = resized.shape[:2]
    x, y = ((w - nw) // 2, (h - nh) // 2) if centre else (0, 0)
    canvas = np.full((h, w, 3), pad_value, np.uint8)
    canvas[y:y + nh, x:x + nw] = resized
    return canvas, scale, (x, y)
