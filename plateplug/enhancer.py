"""The Enhancer: one call, BGR uint8 crop in, enlarged BGR uint8 crop out.

Subclasses implement ``_run`` on a batch of same-sized BGR crops; this base class does the
rest: input checks, grey/BGRA layouts, batching crops of different sizes, and tiling of
large images.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from plateplug.images import from_bgr, to_bgr
from plateplug.tiling import enhance_tiled


class Enhancer(ABC):
    """Enlarges licence-plate crops ``scale`` times.

    ``enhancer(crop)`` takes H x W x 3 uint8 BGR (or grey H x W, or BGRA) and returns
    the same layout at ``(H*scale) x (W*scale)``. Images larger than ``tile`` pixels on a
    side are processed in overlapping tiles; ``enhance_batch`` groups crops into batches of
    at most ``max_batch``, padding crops to the batch's largest size as long as the padded
    batch has at most ``max_padding`` times the crops' own pixels (on a CPU, padding a small
    crop up to a big one costs more than a second call; on a GPU one call is cheapest).
    """

    def __init__(
        self,
        name: str,
        scale: int,
        *,
        providers: Sequence[str] = ("python",),
        max_batch: int = 16,
        tile: int = 256,
        tile_overlap: int = 16,
        max_padding: float = 1.25,
    ):
        self.name = name
        self.scale = scale
        self.providers = list(providers)
        self.max_batch = max_batch
        self.tile = tile
        self.tile_overlap = tile_overlap
        self.max_padding = max_padding

    @abstractmethod
    def _run(self, batch: np.ndarray) -> np.ndarray:
        """Enlarge N x H x W x 3 uint8 BGR to N x sH x sW x 3 uint8 BGR."""

    def __call__(self, crop: Any) -> np.ndarray:
        """Enhance one crop; see the class docstring for layouts."""
        bgr, layout = to_bgr(crop, "crop")
        return from_bgr(self._enhance_bgr(bgr), layout, crop)

    def enhance_batch(self, crops: Sequence[Any]) -> list[np.ndarray]:
        """Enhance many crops of any sizes with few model calls; results keep input order."""
        checked = [to_bgr(c, f"crops[{i}]") for i, c in enumerate(crops)]
        results: list[np.ndarray | None] = [None] * len(checked)
        small = []
        for i, (bgr, _) in enumerate(checked):
            if self._needs_tiling(bgr):
                results[i] = self._enhance_bgr(bgr)
            else:
                small.append(i)
        small.sort(key=lambda i: checked[i][0].shape[:2])
        for chunk in self._group([checked[i][0].shape[:2] for i in small]):
            indices = [small[k] for k in chunk]
            for i, out in zip(indices, self._run_padded([checked[i][0] for i in indices])):
                results[i] = out
        return [from_bgr(out, layout, crop)
                for out, (_, layout), crop in zip(results, checked, crops)]

    def _group(self, sizes: list[tuple[int, int]]) -> list[list[int]]:
        """Consecutive runs of ``sizes`` (sorted) that share one padded batch call."""
        groups: list[list[int]] = []
        h = w = area = 0
        for k, (ch, cw) in enumerate(sizes):
            nh, nw, narea = max(h, ch), max(w, cw), area + ch * cw
            current = groups[-1] if groups else []
            fits = (current and len(current) < self.max_batch
                    and (len(current) + 1) * nh * nw <= self.max_padding * narea)
            if fits:
                current.append(k)
                h, w, area = nh, nw, narea
            else:
                groups.append([k])
                h, w, area = ch, cw, ch * cw
        return groups

    def _needs_tiling(self, bgr: np.ndarray) -> bool:
        return max(bgr.shape[:2]) > self.tile

    def _enhance_bgr(self, bgr: np.ndarray) -> np.ndarray:
        if self._needs_tiling(bgr):
            return enhance_tiled(bgr, self._run, self.scale, self.tile, self.tile_overlap)
        return self._run(bgr[None])[0]

    def _run_padded(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        """Run crops as one batch, edge-padding each to the largest height and width."""
        h = max(c.shape[0] for c in crops)
        w = max(c.shape[1] for c in crops)
        batch = np.stack([
            cv2.copyMakeBorder(c, 0, h - c.shape[0], 0, w - c.shape[1], cv2.BORDER_REPLICATE)
            for c in crops
        ])
        out = self._run(batch)
        s = self.scale
        return [out[k, :c.shape[0] * s, :c.shape[1] * s] for k, c in enumerate(crops)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} x{self.scale} on {self.providers}>"
