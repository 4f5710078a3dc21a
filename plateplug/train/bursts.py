"""Training bursts for multi-frame enhancers: K LR views of one HR plate patch.

Each view of a burst is the HR plate moved by a random sub-pixel shift (frame 0 unshifted,
so it stays aligned with the HR target), cut to the patch and degraded on its own
(``degrade``: its own blur, noise, JPEG...). The views are then registered to frame 0 with
``plateplug.align.register``, exactly as at inference. A share of bursts holds fewer distinct
views, the last repeated, as for a track seen in fewer than K frames. For a network with a
shift-and-add grid (``grid``), a burst is a ``GridBurst``: the registered views and their
``plateplug.shift_add`` channels; ``input_tensor`` makes either into the network's batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from plateplug.align import Registration, registration, shift_image
from plateplug.data.crops import Crop
from plateplug.data.protocol import BURST_FRAMES, make_burst
from plateplug.shift_add import shift_add
from plateplug.train.data import PairSampler, to_tensor
from plateplug.train.degrade import SCALE, degrade

MAX_SHIFT = 2.5  # HR pixels each way (the protocol draws up to 2)
SHORT_SHARE = 0.2  # bursts with fewer than K distinct views
VAL_LR_HEIGHT = 16


@dataclass(frozen=True)
class GridBurst:
    """A registered burst (K x h x w x 3 BGR uint8) and its shift-and-add channels."""

    frames: np.ndarray
    grid: np.ndarray


LrInput = np.ndarray | GridBurst  # what a network enlarges: an image, a burst, a GridBurst


def input_tensor(items: Sequence[LrInput]) -> torch.Tensor:
    """The network's batch: ``to_tensor`` of images or registered bursts; a GridBurst's grid
    channels after its frames'."""
    if items and isinstance(items[0], GridBurst):
        grids = torch.from_numpy(np.stack([b.grid for b in items if isinstance(b, GridBurst)]))
        frames = to_tensor([b.frames for b in items if isinstance(b, GridBurst)])
        return torch.cat([frames, grids], 1)
    return to_tensor([b for b in items if isinstance(b, np.ndarray)])


def reference_frame(item: LrInput) -> np.ndarray:
    """The image an LR input is judged against bicubic by: a burst's frame 0, else itself."""
    frames = item.frames if isinstance(item, GridBurst) else item
    return frames[0] if frames.ndim == 4 else frames


def as_burst(found: Registration, frames: int, grid: int) -> LrInput:
    """The registration of a burst's distinct views filled up to ``frames`` with its last
    view, with its grid channels when ``grid``."""
    full = found.filled(frames)
    stack = np.stack(full.frames)
    return GridBurst(stack, shift_add(full.resized, full.shifts, grid)) if grid else stack


class BurstSampler(PairSampler):
    """Draws batches of (registered burst, HR patch): LR N x 3K x h x w (then the grid
    channels, with ``grid``), HR N x 3 x 4h x 4w, RGB in 0..1."""

    def __init__(self, crops: list[Crop], rng: np.random.Generator, patch_width: int = 40,
                 degradation: str = "camera", scenes_share: float = 0.0,
                 frames: int = BURST_FRAMES, grid: int = 0):
        super().__init__(crops, rng, patch_width, degradation, scenes_share)
        self.frames = frames
        self.grid = grid

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        width = SCALE * self.patch_width
        bursts, hrs = [], []
        for hr, x0 in self.plates(batch):
            columns = slice(x0, x0 + width)
            bursts.append(training_burst(hr, self.rng, self.degradation, self.frames, columns,
                                         self.grid))
            hrs.append(np.ascontiguousarray(hr[:, columns]))
        return input_tensor(bursts), to_tensor(hrs)


def training_burst(hr: np.ndarray, rng: np.random.Generator, degradation: str,
                   frames: int = BURST_FRAMES, columns: slice = slice(None),
                   grid: int = 0) -> LrInput:
    """K x h x w x 3 registered LR views of the ``columns`` of HR plate ``hr`` (see the
    module doc), the last view repeated where the burst has fewer distinct ones; a GridBurst
    with ``grid``."""
    distinct = frames if rng.random() >= SHORT_SHARE else int(rng.integers(1, frames))
    views = []
    for k in range(distinct):
        shifted = shift_image(hr, *rng.uniform(-MAX_SHIFT, MAX_SHIFT, 2)) if k else hr
        views.append(degrade(np.ascontiguousarray(shifted[:, columns]), rng, degradation))
    return as_burst(registration(views), frames, grid)


def burst_validation(crops: list[Crop], count: int = 48, lr_height: int = VAL_LR_HEIGHT,
                     frames: int = BURST_FRAMES,
                     grid: int = 0) -> list[tuple[LrInput, np.ndarray]]:
    """Fixed protocol bursts (registered K x h x w x 3, or a GridBurst with ``grid``; hr)
    of ``count`` evenly spaced crops, at ``lr_height`` (the realistic burst setting the model
    is judged on)."""
    ordered = sorted(crops, key=lambda c: c.key)
    if len(ordered) > count:
        ordered = [ordered[i] for i in np.linspace(0, len(ordered) - 1, count).astype(int)]
    pairs = []
    for crop in ordered:
        burst = make_burst(crop.image, lr_height, frames, seed_name=Path(crop.key).name)
        pairs.append((as_burst(registration(burst.frames), frames, grid), burst.hr))
    return pairs
