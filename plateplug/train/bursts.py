"""Training bursts for multi-frame enhancers: K LR views of one HR plate patch.

Each view of a burst is the HR plate moved by a random sub-pixel shift (frame 0 unshifted,
so it stays aligned with the HR target), cut to the patch and degraded on its own
(``degrade``: its own blur, noise, JPEG...). The views are then registered to frame 0 with
``plateplug.align.register``, exactly as at inference. A share of bursts holds fewer distinct
views, the last repeated, as for a track seen in fewer than K frames.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from plateplug.align import register, shift_image
from plateplug.data.crops import Crop
from plateplug.data.protocol import BURST_FRAMES, make_burst
from plateplug.train.data import PairSampler, to_tensor
from plateplug.train.degrade import SCALE, degrade

MAX_SHIFT = 2.5  # HR pixels each way (the protocol draws up to 2)
SHORT_SHARE = 0.2  # bursts with fewer than K distinct views
VAL_LR_HEIGHT = 16


class BurstSampler(PairSampler):
    """Draws batches of (registered burst, HR patch): LR N x 3K x h x w, HR N x 3 x 4h x 4w,
    RGB in 0..1."""

    def __init__(self, crops: list[Crop], rng: np.random.Generator, patch_width: int = 40,
                 degradation: str = "camera", scenes_share: float = 0.0,
                 frames: int = BURST_FRAMES):
        super().__init__(crops, rng, patch_width, degradation, scenes_share)
        self.frames = frames

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        width = SCALE * self.patch_width
        bursts, hrs = [], []
        for hr, x0 in self.plates(batch):
            columns = slice(x0, x0 + width)
            bursts.append(training_burst(hr, self.rng, self.degradation, self.frames, columns))
            hrs.append(np.ascontiguousarray(hr[:, columns]))
        return to_tensor(bursts), to_tensor(hrs)


def training_burst(hr: np.ndarray, rng: np.random.Generator, degradation: str,
                   frames: int = BURST_FRAMES, columns: slice = slice(None)) -> np.ndarray:
    """K x h x w x 3 registered LR views of the ``columns`` of HR plate ``hr`` (see the
    module doc), the last view repeated where the burst has fewer distinct ones."""
    distinct = frames if rng.random() >= SHORT_SHARE else int(rng.integers(1, frames))
    views = []
    for k in range(distinct):
        shifted = shift_image(hr, *rng.uniform(-MAX_SHIFT, MAX_SHIFT, 2)) if k else hr
        views.append(degrade(np.ascontiguousarray(shifted[:, columns]), rng, degradation))
    views = register(views)
    return np.stack(views + [views[-1]] * (frames - distinct))


def burst_validation(crops: list[Crop], count: int = 48, lr_height: int = VAL_LR_HEIGHT,
                     frames: int = BURST_FRAMES) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fixed protocol bursts (registered K x h x w x 3, hr) of ``count`` evenly spaced
    crops, at ``lr_height`` (the realistic burst setting the model is judged on)."""
    ordered = sorted(crops, key=lambda c: c.key)
    if len(ordered) > count:
        ordered = [ordered[i] for i in np.linspace(0, len(ordered) - 1, count).astype(int)]
    pairs = []
    for crop in ordered:
        burst = make_burst(crop.image, lr_height, frames, seed_name=Path(crop.key).name)
        pairs.append((np.stack(register(burst.frames)), burst.hr))
    return pairs
