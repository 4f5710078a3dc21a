"""The Enhancer: one call, BGR uint8 crop in, enlarged BGR uint8 crop out.

Subclasses implement ``_run`` on a batch of same-sized BGR crops; this base class does the
rest: input checks, grey/BGRA layouts, padding crops to size buckets and batching crops of
one bucket, tiling of large images, and checking that ``_run`` really enlarges ``scale``
times.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any

import cv2
import numpy as np

from plateplug.errors import InvalidImageError, ModelOutputError
from plateplug.images import from_bgr, to_bgr
from plateplug.tiling import enhance_tiled


def bucket(side: int) -> int:
    """The padded length of a crop side: a multiple of 4 below 64 pixels, then of 1/16 to 1/8
    of the side (64..127 -> multiples of 8, 128..255 -> of 16, ...)."""
    step = max(4, 1 << max(0, side.bit_length() - 4))
    return -(-side // step) * step


class Enhancer(ABC):
    """Enlarges licence-plate crops ``scale`` times.

    ``enhancer(crop)`` takes H x W x 3 uint8 BGR (or grey H x W, or BGRA) and returns
    the same layout at ``(H*scale) x (W*scale)``. Images larger than ``tile`` pixels on a
    side are processed in overlapping tiles. Smaller crops are edge-padded to their size
    bucket (see ``bucket``) before the model sees them, and ``enhance_batch`` runs crops of
    one bucket together, at most ``max_batch`` per call: a crop's result never depends on
    the crops beside it, so ``enhance_batch(crops)`` equals ``[enhancer(c) for c in crops]``.
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
    ):
        self.name = name
        self.scale = scale
        self.providers = list(providers)
        self.max_batch = max_batch
        self.tile = tile
        self.tile_overlap = tile_overlap

    @abstractmethod
    def _run(self, batch: np.ndarray) -> np.ndarray:
        """Enlarge N x H x W x 3 uint8 BGR to N x sH x sW x 3 uint8 BGR."""

    def __call__(self, crop: Any) -> np.ndarray:
        """Enhance one crop; see the class docstring for layouts."""
        bgr, layout = to_bgr(crop, "crop")
        return from_bgr(self._enhance_bgr(bgr), layout, crop)

    def enhance_batch(self, crops: Iterable[Any]) -> list[np.ndarray]:
        """Enhance many crops (any iterable) of any sizes with few model calls; results keep
        input order. One H x W (x C) array is refused: use ``enhancer(crop)`` for it."""
        items = _as_list(crops)
        checked = [to_bgr(c, f"crops[{i}]") for i, c in enumerate(items)]
        bgrs = [bgr for bgr, _ in checked]
        buckets: dict[tuple[int, int], list[int]] = {}
        for i, bgr in enumerate(bgrs):
            if not self._needs_tiling(bgr):
                buckets.setdefault(_bucket_of(bgr), []).append(i)
        results = self._enhance_buckets(bgrs, buckets)
        return [from_bgr(results[i] if i in results else self._enhance_bgr(bgr), layout, crop)
                for i, ((bgr, layout), crop) in enumerate(zip(checked, items))]

    def _enhance_buckets(self, bgrs: list[np.ndarray],
                         buckets: dict[tuple[int, int], list[int]]) -> dict[int, np.ndarray]:
        """Index -> enhanced BGR crop for the crops of ``buckets`` (size bucket -> indices
        into ``bgrs``), at most ``max_batch`` of one bucket per model call."""
        results: dict[int, np.ndarray] = {}
        for indices in buckets.values():
            for start in range(0, len(indices), self.max_batch):
                chunk = indices[start:start + self.max_batch]
                results.update(zip(chunk, self._run_bucketed([bgrs[i] for i in chunk])))
        return results

    def _needs_tiling(self, bgr: np.ndarray) -> bool:
        return max(bgr.shape[:2]) > self.tile

    def _enhance_bgr(self, bgr: np.ndarray) -> np.ndarray:
        if self._needs_tiling(bgr):
            return enhance_tiled(bgr, self._run_checked, self.scale, self.tile,
                                 self.tile_overlap)
        return self._run_bucketed([bgr])[0]

    def _run_bucketed(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        """Run crops of one size bucket as one batch, each edge-padded to the bucket."""
        out = self._run_checked(np.stack([pad_to_bucket(c) for c in crops]))
        s = self.scale
        return [out[k, :c.shape[0] * s, :c.shape[1] * s] for k, c in enumerate(crops)]

    def _run_checked(self, batch: np.ndarray) -> np.ndarray:
        """``_run``, raising ModelOutputError when the output is not ``scale`` times larger."""
        out = self._run(batch)
        n, h, w, c = batch.shape
        expected = (n, h * self.scale, w * self.scale, c)
        shape = getattr(out, "shape", None)
        if shape != expected:
            raise ModelOutputError(
                f"model {self.name!r} returned shape {shape} for input {batch.shape}; "
                f"its declared scale {self.scale} needs {expected}")
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} x{self.scale} on {self.providers}>"


def _bucket_of(bgr: np.ndarray) -> tuple[int, int]:
    return bucket(bgr.shape[0]), bucket(bgr.shape[1])


def pad_to_bucket(bgr: np.ndarray) -> np.ndarray:
    """A crop edge-padded at the bottom and right to its size bucket, as models see it."""
    h, w = _bucket_of(bgr)
    return cv2.copyMakeBorder(bgr, 0, h - bgr.shape[0], 0, w - bgr.shape[1],
                              cv2.BORDER_REPLICATE)


def _as_list(crops: Iterable[Any]) -> list[Any]:
    """The crops of ``enhance_batch`` as a list; InvalidImageError for one image array."""
    if isinstance(crops, np.ndarray) and crops.ndim != 4:
        raise InvalidImageError(
            f"enhance_batch takes a list (or any iterable) of crops, got one array of shape "
            f"{crops.shape}; call enhancer(crop) for a single image")
    try:
        return list(crops)
    except TypeError:
        raise InvalidImageError(
            f"enhance_batch takes a list (or any iterable) of crops, "
            f"got {type(crops).__name__}") from None
