"""The enhancement step of the video pipeline: each frame's plate crops at the model's
working size (``working.py``), a track's last result reused while its plate has not
changed enough (``reuse.py``), the rest in one ``enhance_batch`` call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from plateplug.enhancer import Enhancer
from plateplug.multiframe import TrackFrames, is_multiframe
from plateplug.video.reuse import Cached, CropCache, ReusePolicy, thumbnail
from plateplug.video.working import AUTO, HeightChoice, resolve_max_height, to_working_size
from plateplug.video.working import working_size as size_for


class Enhanced(NamedTuple):
    """One crop's result: the enhanced image, the ``(width, height)`` the model was given,
    and the frame whose crop it was made from (earlier than the current one when reused)."""

    image: np.ndarray
    input_size: tuple[int, int]
    frame: int


class PlateEnhancer:
    """Enhances the plate crops of consecutive frames of one video with ``enhancer``.

    Crops taller than ``max_input_height`` (``"auto"``: the model's declared working
    height; ``"full"`` or None: no limit; or pixels) are shrunk to it first. With a
    ``reuse`` policy, a track's last result is returned again while the policy allows.
    ``enhanced`` and ``reused`` count crops. A multi-frame enhancer (``plateplug.multiframe``)
    fuses each track's newest crops (this frame's first).
    """

    def __init__(self, enhancer: Enhancer, max_input_height: HeightChoice = AUTO,
                 reuse: ReusePolicy | None = None):
        self.enhancer = enhancer
        self.max_height = resolve_max_height(max_input_height, enhancer)
        self.cache = CropCache(reuse) if reuse is not None else None
        self.history = TrackFrames(enhancer.frames) if is_multiframe(enhancer) else None
        self.enhanced = 0
        self.reused = 0

    def __call__(self, frame: int, track_ids: Sequence[int],
                 crops: Sequence[np.ndarray]) -> list[Enhanced]:
        """The results for ``crops`` of ``frame``, in order, one per track id."""
        sizes = [size_for((c.shape[1], c.shape[0]), self.max_height) for c in crops]
        thumbs = [thumbnail(c) for c in crops] if self.cache is not None else []
        results: list[Enhanced | None] = [None] * len(crops)
        todo = []
        for i, track_id in enumerate(track_ids):
            hit = (self.cache.lookup(track_id, frame, sizes[i], thumbs[i])
                   if self.cache is not None else None)
            if hit is None:
                todo.append(i)
            else:
                results[i] = Enhanced(hit.enhanced, hit.size, hit.frame)
        if self.history is not None and is_multiframe(self.enhancer):  # each track's newest
            bursts = self.history.update(  # copies: the frame may be drawn on afterwards
                frame, track_ids, [np.array(to_working_size(c, self.max_height)) for c in crops])
            outs = self.enhancer.fuse_batch([bursts[i] for i in todo]) if todo else []
        else:
            outs = (self.enhancer.enhance_batch([to_working_size(crops[i], self.max_height)
                                                 for i in todo]) if todo else [])
        for i, out in zip(todo, outs):
            results[i] = Enhanced(out, sizes[i], frame)
            if self.cache is not None:
                self.cache.store(track_ids[i], Cached(frame, sizes[i], thumbs[i], out))
        if self.cache is not None:
            self.cache.prune(frame)
        self.enhanced += len(todo)
        self.reused += len(crops) - len(todo)
        return results  # type: ignore[return-value]
