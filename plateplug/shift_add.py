"""Shift-and-add: the frames of a burst placed on a ``scale`` times finer grid at their
measured sub-pixel positions, without resampling them.

Registration (``plateplug.align``) moves each frame onto the reference with a bicubic warp,
which filters out much of the aliasing that differently shifted views of a small plate carry:
the detail a multi-frame enhancer could recover. Here each LR pixel of each frame instead
lands in the fine-grid cell its shift puts it in. ``shift_add`` gives, for every LR pixel,
the mean colour of the samples that landed in each of its ``scale x scale`` cells and their
number over the frames', pixel-unshuffled to LR size: ``grid_channels(scale)`` channels that a
multi-frame network takes after the registered frames (``MultiFrameResNet(grid=scale)``; an
ONNX file says so with ``plateplug.extra.grid``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

GRID_KEY = "grid"  # plateplug.extra.grid in the ONNX metadata: the grid's scale


def grid_channels(scale: int) -> int:
    """Channels of ``shift_add`` at ``scale``: 3 colours and a count per fine cell."""
    return 4 * scale * scale


def shift_add(frames: Sequence[np.ndarray], shifts: Sequence[tuple[float, float]],
              scale: int) -> np.ndarray:
    """``grid_channels(scale) x h x w`` float32 from h x w x 3 uint8 BGR ``frames`` of one
    size and their ``shifts`` against the first (``plateplug.align.Registration``).

    A pixel (y, x) of a frame shifted by (dx, dy) shows the reference at (y - dy, x - dx); it
    lands in the fine cell holding that point's centre. Channels: the RGB means in 0..1 (cell
    (i, j) of colour c at ``c * scale**2 + i * scale + j``, torch's ``pixel_unshuffle``
    order; 0 where nothing landed), then each cell's count over ``len(frames)``.
    """
    h, w = frames[0].shape[:2]
    rows, cols = np.mgrid[0:h, 0:w]
    sums = np.zeros((3, scale * h * scale * w))
    counts = np.zeros(scale * h * scale * w)
    for frame, (dx, dy) in zip(frames, shifts, strict=True):
        fy = np.floor(scale * (rows - dy) + scale / 2).astype(np.int64)
        fx = np.floor(scale * (cols - dx) + scale / 2).astype(np.int64)
        inside = (fy >= 0) & (fy < scale * h) & (fx >= 0) & (fx < scale * w)
        cells = (fy * scale * w + fx)[inside]
        counts += np.bincount(cells, minlength=counts.size)
        for c in range(3):  # BGR in, RGB out
            sums[2 - c] += np.bincount(cells, weights=frame[..., c][inside], minlength=counts.size)
    means = sums / np.maximum(counts, 1) / 255.0
    fine = np.concatenate([means, counts[None] / len(frames)]).reshape(4, h, scale, w, scale)
    return np.ascontiguousarray(fine.transpose(0, 2, 4, 1, 3).reshape(-1, h, w), np.float32)
