"""Draw enhanced plates onto frames in one of three layouts.

* ``inset``: each plate is boxed and its enhanced crop is shown enlarged in an inset
  above (or below) it, ``inset_height`` pixels high when given (else at its own size), at
  most a third of the frame high and 35% of it wide; same size as the input.
* ``replace``: each plate region is replaced by its enhanced crop, scaled back to fit;
  same size as the input.
* ``side-by-side``: the input on the left, the ``replace`` frame (boxed) on the right;
  twice as wide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import numpy as np

from plateplug.images import resize

if TYPE_CHECKING:
    from plateplug.video.pipeline import PlateResult

LAYOUTS = ("inset", "replace", "side-by-side")
BOX_COLOUR = (0, 220, 255)
INSET_MAX_WIDTH = 0.35  # of the frame width


def output_size(layout: str, size: tuple[int, int]) -> tuple[int, int]:
    """Width and height of ``layout`` frames made from ``size`` frames."""
    _check(layout)
    return (size[0] * 2, size[1]) if layout == "side-by-side" else size


def render(frame: np.ndarray, plates: Sequence[PlateResult], layout: str,
           inset_height: int | None = None, *, in_place: bool = False) -> np.ndarray:
    """A new frame showing ``plates`` in ``layout``; ``frame`` is not modified, unless
    ``in_place`` (inset and replace layouts: drawn on ``frame`` itself, which is returned;
    saves a copy per frame). ``inset_height``: the height of the insets (None: each
    enhanced crop at its own size)."""
    _check(layout)
    if layout == "inset":
        out = frame if in_place else frame.copy()
        for plate in plates:
            _draw_inset(out, plate, inset_height)
        for plate in plates:
            _draw_box(out, plate)
        return out
    replaced = frame if in_place and layout == "replace" else frame.copy()
    for plate in plates:
        x1, y1, x2, y2 = plate.region
        replaced[y1:y2, x1:x2] = cv2.resize(plate.enhanced, (x2 - x1, y2 - y1),
                                            interpolation=cv2.INTER_AREA)
    if layout == "replace":
        return replaced
    for plate in plates:
        _draw_box(replaced, plate)
    return np.hstack([frame, replaced])


def _check(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}")


def _draw_box(out: np.ndarray, plate: PlateResult) -> None:
    x1, y1, x2, y2 = plate.box
    cv2.rectangle(out, (x1, y1), (x2 - 1, y2 - 1), BOX_COLOUR, 2)
    font = _font_scale(out)
    cv2.putText(out, f"#{plate.track_id}", (x1, max(int(24 * font), y1 - 5)),
                cv2.FONT_HERSHEY_SIMPLEX, font, BOX_COLOUR, 1 + (font > 0.6), cv2.LINE_AA)


def _font_scale(out: np.ndarray) -> float:
    return max(0.4, out.shape[0] / 1000)


def _draw_inset(out: np.ndarray, plate: PlateResult, height: int | None) -> None:
    """Paste the enhanced crop near its plate, above it when there is room, else below."""
    h, w = out.shape[:2]
    big = plate.enhanced
    limit_w, limit_h = max(8, int(w * INSET_MAX_WIDTH)), max(8, h // 3)
    wanted = 1.0 if height is None else height / big.shape[0]
    scale = min(wanted, limit_w / big.shape[1], limit_h / big.shape[0])
    if scale != 1.0:
        big = resize(big, (max(1, round(big.shape[1] * scale)),
                           max(1, round(big.shape[0] * scale))))
    ih, iw = big.shape[:2]
    x1, y1, x2, y2 = plate.box
    gap = int(10 + 24 * _font_scale(out))  # room for the track label
    top = y1 - gap - ih if y1 - gap - ih >= 0 else y2 + gap
    top = min(max(0, top), h - ih)
    left = min(max(0, (x1 + x2) // 2 - iw // 2), w - iw)
    out[top:top + ih, left:left + iw] = big
    cv2.rectangle(out, (left, top), (left + iw - 1, top + ih - 1), BOX_COLOUR, 1)
