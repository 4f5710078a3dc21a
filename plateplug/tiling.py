"""Process a large image in overlapping tiles so memory stays bounded and no seams show."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def enhance_tiled(
    image: np.ndarray,
    run: Callable[[np.ndarray], np.ndarray],
    scale: int,
    tile: int,
    overlap: int,
) -> np.ndarray:
    """Enlarge ``image`` (H x W x 3) tile by tile with ``run`` (1 x h x w x 3 -> 1 x sh x sw x 3).

    Each tile is run with ``overlap`` pixels of context on every side and only its own
    area is kept, so a network whose receptive field is within ``overlap`` gives the same
    result as one pass over the whole image.
    """
    h, w, c = image.shape
    out = np.empty((h * scale, w * scale, c), dtype=np.uint8)
    for y0 in range(0, h, tile):
        for x0 in range(0, w, tile):
            y1, x1 = min(y0 + tile, h), min(x0 + tile, w)
            py0, px0 = max(y0 - overlap, 0), max(x0 - overlap, 0)
            py1, px1 = min(y1 + overlap, h), min(x1 + overlap, w)
            result = run(image[None, py0:py1, px0:px1])[0]
            oy, ox = (y0 - py0) * scale, (x0 - px0) * scale
            out[y0 * scale:y1 * scale, x0 * scale:x1 * scale] = result[
                oy:oy + (y1 - y0) * scale, ox:ox + (x1 - x0) * scale
            ]
    return out
