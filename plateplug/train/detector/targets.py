"""Boxes -> CenterNet training maps: elliptical Gaussian centre heatmap and box regression."""

from __future__ import annotations

import numpy as np

GAUSS_ALPHA = 0.54  # sigma = alpha * box side / 6 (TTFNet)
MIN_SIGMA = 0.6  # cells


def encode(boxes: np.ndarray, height: int, width: int, stride: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maps for an image of ``height`` x ``width`` pixels with ``boxes`` (x1, y1, x2, y2).

    Returns heat (1 x h x w, 1 at each centre cell), regression (4 x h x w: offset x, y in
    the cell, log width, log height in cells) and mask (h x w, 1 at centre cells).
    """
    h, w = height // stride, width // stride
    heat = np.zeros((1, h, w), np.float32)
    reg = np.zeros((4, h, w), np.float32)
    mask = np.zeros((h, w), np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    for x1, y1, x2, y2 in np.asarray(boxes, np.float32).reshape(-1, 4):
        bw, bh = (x2 - x1) / stride, (y2 - y1) / stride
        if bw <= 0 or bh <= 0:
            continue
        cx, cy = (x1 + x2) / 2 / stride, (y1 + y2) / 2 / stride
        i, j = int(min(max(cy, 0), h - 1)), int(min(max(cx, 0), w - 1))
        sx = max(GAUSS_ALPHA * bw / 6, MIN_SIGMA)
        sy = max(GAUSS_ALPHA * bh / 6, MIN_SIGMA)
        g = np.exp(-((xs - j) ** 2 / (2 * sx * sx) + (ys - i) ** 2 / (2 * sy * sy)))
        heat[0] = np.maximum(heat[0], g)
        heat[0, i, j] = 1.0
        reg[:, i, j] = (cx - j, cy - i, np.log(bw), np.log(bh))
        mask[i, j] = 1.0
    return heat, reg, mask


def care_map(ignore: np.ndarray, height: int, width: int, stride: int) -> np.ndarray:
    """1 x h x w weights of the heatmap's background loss: 0 on the cells of ``ignore``
    boxes (plates the labels miss), 1 elsewhere."""
    h, w = height // stride, width // stride
    care = np.ones((1, h, w), np.float32)
    for x1, y1, x2, y2 in np.asarray(ignore, np.float32).reshape(-1, 4):
        j1, i1 = max(int(x1 // stride), 0), max(int(y1 // stride), 0)
        j2, i2 = min(int(np.ceil(x2 / stride)), w), min(int(np.ceil(y2 / stride)), h)
        care[0, i1:i2, j1:j2] = 0.0
    return care
