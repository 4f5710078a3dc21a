"""Multi-frame enhancers: several crops of one plate (a track's newest frames) in, one
enlarged crop out.

A ``MultiFrameEnhancer`` is an ``Enhancer`` (``enhancer(crop)`` and ``enhance_batch`` work on
single crops) with ``frames`` (K) and ``fuse(crops)``: the crops are registered to the first
one, the **reference** (``plateplug.align.register``: resized to its size, sub-pixel shift
undone), the list is cut to K or filled up to K by repeating the last crop, and the burst
goes through ``_fuse``. The output is the reference enlarged, so give the newest crop first
when fusing a track. One crop alone, or K copies of one crop, gives exactly
``enhancer(crop)``.

Plugins ship one by registering an ``EnhancerModel`` whose ``load`` returns a
``MultiFrameEnhancer`` through the usual ``register_enhancers`` hook; for an ONNX graph that
takes the K frames stacked on channels (N x 3K x H x W) and metadata
``plateplug.extra.frames=K``, ``OnnxMultiFrameModel`` does everything; with
``plateplug.extra.grid=S`` the graph takes the burst's shift-and-add channels after the
frames (``plateplug.shift_add``), which ``fuse`` makes from the unwarped frames and their
shifts.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeGuard, cast

import cv2
import numpy as np

from plateplug import runtime
from plateplug.align import Registration, registration
from plateplug.enhancer import Enhancer, bucket
from plateplug.errors import InvalidImageError, ModelFileError, ModelOutputError
from plateplug.images import from_bgr, to_bgr
from plateplug.metadata import ModelMetadata
from plateplug.models import OnnxEnhancer, OnnxModel
from plateplug.shift_add import GRID_KEY, shift_add

FRAMES_KEY = "frames"  # plateplug.extra.frames in the ONNX metadata
MAX_FRAMES = 64


def is_multiframe(enhancer: Any) -> TypeGuard[MultiFrameEnhancer]:
    """Whether ``enhancer`` fuses several frames (a MultiFrameEnhancer with K > 1)."""
    return isinstance(enhancer, MultiFrameEnhancer) and enhancer.frames > 1


class MultiFrameEnhancer(Enhancer):
    """An Enhancer that also fuses up to ``frames`` crops of one plate (see module doc).

    Subclasses implement ``_fuse(bursts)``: N x K x H x W x 3 uint8 BGR bursts, registered
    and of one size, -> N x sH x sW x 3 uint8 BGR, each aligned with its frame 0. One that
    sets ``grid`` is called ``_fuse(bursts, grids)`` with the bursts' shift-and-add channels
    too (N x C x H x W float32, ``plateplug.shift_add`` at that scale).
    """

    grid = 0  # scale of the shift-and-add channels ``_fuse`` takes; 0: none

    def __init__(self, name: str, scale: int, frames: int, **kwargs: Any):
        if not 1 <= frames <= MAX_FRAMES:
            raise ValueError(f"frames={frames} is outside 1..{MAX_FRAMES}")
        super().__init__(name, scale, **kwargs)
        self.frames = frames

    @abstractmethod
    def _fuse(self, bursts: np.ndarray, grids: np.ndarray | None = None) -> np.ndarray:
        """Fuse N registered bursts of K same-sized frames (with ``grid``: and their grid
        channels) into N enlarged crops."""

    def _run(self, batch: np.ndarray) -> np.ndarray:
        """Single crops: each is its own burst of K identical frames."""
        bursts = np.repeat(batch[:, None], self.frames, axis=1)
        if not self.grid:
            return self._fuse(bursts)
        unshifted = [(0.0, 0.0)] * self.frames
        return self._fuse(bursts, self._grids(list(bursts), [unshifted] * len(batch)))

    def _grids(self, resized: Sequence[np.ndarray],
               shifts: Sequence[Sequence[tuple[float, float]]]) -> np.ndarray:
        """The shift-and-add channels of each burst (K x H x W x 3, unwarped) at its
        frames' shifts."""
        return np.stack([shift_add(list(frames), moves, self.grid)
                         for frames, moves in zip(resized, shifts)])

    def fuse(self, crops: Sequence[Any]) -> np.ndarray:
        """One enlarged crop from crops of one plate, the reference (the crop the output
        enlarges, e.g. the newest) first; more than ``frames`` crops: the first ``frames``
        are used. Crops larger than the tile size are enhanced from the reference alone."""
        return self.fuse_batch([crops])[0]

    def fuse_batch(self, bursts: Iterable[Sequence[Any]]) -> list[np.ndarray]:
        """``fuse`` for many plates with few model calls (bursts whose references share a
        size bucket run together); results keep input order."""
        items = [_crops_of(b, i) for i, b in enumerate(bursts)]
        results: dict[int, np.ndarray] = {}
        groups: dict[tuple[int, int], list[int]] = {}
        prepared: dict[int, Registration] = {}
        for i, crops in enumerate(items):
            frames = [to_bgr(c, f"bursts[{i}][{k}]")[0] for k, c in enumerate(crops)]
            if len(frames) == 1 or self._needs_tiling(frames[0]):
                results[i] = self(crops[0])
                continue
            prepared[i] = registration(frames[:self.frames]).filled(self.frames)
            size = (bucket(frames[0].shape[0]), bucket(frames[0].shape[1]))
            groups.setdefault(size, []).append(i)
        for (h, w), indices in groups.items():
            for start in range(0, len(indices), self.max_batch):
                chunk = indices[start:start + self.max_batch]
                outputs = self._fuse_padded([prepared[i] for i in chunk], h, w)
                for i, out in zip(chunk, outputs):
                    reference = items[i][0]
                    results[i] = from_bgr(out, to_bgr(reference)[1], reference)
        return [results[i] for i in range(len(items))]

    def _fuse_padded(self, bursts: list[Registration], h: int, w: int) -> list[np.ndarray]:
        """Fuse bursts with every frame edge-padded to ``h x w`` (as single crops are), each
        output cut back to its reference's size times ``scale``."""
        def padded(frames: list[np.ndarray]) -> np.ndarray:
            return np.stack([cv2.copyMakeBorder(f, 0, h - f.shape[0], 0, w - f.shape[1],
                                                cv2.BORDER_REPLICATE) for f in frames])

        batch = np.stack([padded(b.frames) for b in bursts])
        if self.grid:
            out = self._fuse(batch, self._grids([padded(b.resized) for b in bursts],
                                                [b.shifts for b in bursts]))
        else:
            out = self._fuse(batch)
        s = self.scale
        expected = (len(bursts), h * s, w * s, 3)
        if getattr(out, "shape", None) != expected:
            raise ModelOutputError(f"model {self.name!r} returned shape "
                                   f"{getattr(out, 'shape', None)} for bursts of shape "
                                   f"{batch.shape}; its declared scale {self.scale} needs "
                                   f"{expected}")
        return [out[k, :b.frames[0].shape[0] * s, :b.frames[0].shape[1] * s]
                for k, b in enumerate(bursts)]


def _crops_of(burst: Any, index: int) -> list[Any]:
    """The crops of one burst as a non-empty list; InvalidImageError otherwise."""
    if isinstance(burst, np.ndarray) and burst.ndim < 4:
        raise InvalidImageError(f"bursts[{index}] must be a list of crops, got one array of "
                                f"shape {burst.shape}")
    try:
        crops = list(burst)
    except TypeError:
        raise InvalidImageError(f"bursts[{index}] must be a list of crops, "
                                f"got {type(burst).__name__}") from None
    if not crops:
        raise InvalidImageError(f"bursts[{index}] holds no crop")
    return crops


class OnnxBurstEnhancer(MultiFrameEnhancer):
    """Runs an ONNX multi-frame graph: K frames stacked on channels, N x 3K x H x W (then
    the grid channels, with ``grid``)."""

    def __init__(self, onnx: OnnxEnhancer, frames: int, grid: int = 0):
        super().__init__(onnx.name, onnx.scale, frames, providers=onnx.providers,
                         tile_overlap=onnx.tile_overlap)
        self.onnx = onnx
        self.metadata = onnx.metadata
        self.grid = grid

    def _fuse(self, bursts: np.ndarray, grids: np.ndarray | None = None) -> np.ndarray:
        n, k, h, w, c = bursts.shape
        x = self.onnx.blob(bursts.reshape(n * k, h, w, c))
        x = x.reshape(n, k * 3, *x.shape[2:])
        if grids is not None:  # edge-padded as blob pads the frames
            pad = ((0, 0), (0, 0), (0, x.shape[2] - h), (0, x.shape[3] - w))
            x = np.concatenate([x, np.pad(grids, pad, mode="edge").astype(x.dtype)], axis=1)
        return self.onnx.decode(self.onnx.forward(x), h, w)


def frames_of(meta: ModelMetadata, source: str) -> int:
    """K from ``plateplug.extra.frames``; ModelFileError naming ``source`` when absent or
    not an integer in 1..MAX_FRAMES."""
    text = meta.extra.get(FRAMES_KEY)
    try:
        frames = int(text) if text is not None else 0
    except ValueError:
        frames = 0
    if not 1 <= frames <= MAX_FRAMES:
        raise ModelFileError(f"{source} has no valid plateplug.extra.{FRAMES_KEY} (an integer "
                             f"in 1..{MAX_FRAMES}), got {text!r}")
    return frames


def grid_of(meta: ModelMetadata, source: str) -> int:
    """The shift-and-add grid scale from ``plateplug.extra.grid`` (0 when absent);
    ModelFileError naming ``source`` when it is not an integer in 1..8."""
    text = meta.extra.get(GRID_KEY)
    if text is None:
        return 0
    try:
        grid = int(text)
    except ValueError:
        grid = 0
    if not 1 <= grid <= 8:
        raise ModelFileError(f"{source} has an invalid plateplug.extra.{GRID_KEY} (an integer "
                             f"in 1..8), got {text!r}")
    return grid


class OnnxMultiFrameModel(OnnxModel):
    """A multi-frame enhancer shipped as an ONNX file (frames, and any grid, in its
    metadata)."""

    def info(self) -> dict[str, Any]:
        info = super().info()
        if info:
            meta = runtime.read_metadata(Path(self.path))
            info["frames"] = frames_of(meta, str(self.path))
            grid = grid_of(meta, str(self.path))
            if grid:
                info["grid"] = grid
        return info

    def load(self, device: str = "auto", threads: int | None = None) -> OnnxBurstEnhancer:
        single = cast(OnnxEnhancer, super().load(device, threads))
        source = str(self.path)
        return OnnxBurstEnhancer(single, frames_of(single.metadata, source),
                                 grid_of(single.metadata, source))


class TrackFrames:
    """The newest ``frames`` crops of each tracked plate, newest first: what a video feeds
    a multi-frame enhancer. A track unseen for more than ``max_gap`` frames is forgotten."""

    def __init__(self, frames: int, max_gap: int = 10):
        self.frames = frames
        self.max_gap = max_gap
        self._crops: dict[int, deque[np.ndarray]] = {}
        self._seen: dict[int, int] = {}

    def update(self, frame: int, track_ids: Sequence[int],
               crops: Sequence[np.ndarray]) -> list[list[np.ndarray]]:
        """Add each track's crop of ``frame``; returns each one's burst (this crop first,
        then its earlier ones), in order."""
        bursts = []
        for track_id, crop in zip(track_ids, crops):
            history = self._crops.setdefault(track_id, deque(maxlen=self.frames))
            history.appendleft(crop)
            self._seen[track_id] = frame
            bursts.append(list(history))
        for track_id in [t for t, last in self._seen.items() if frame - last > self.max_gap]:
            del self._crops[track_id], self._seen[track_id]
        return bursts

    def __len__(self) -> int:
        return len(self._crops)
