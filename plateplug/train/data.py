"""On-the-fly LR/HR training batches from plate crops in RAM (``plateplug.data.crops``).

Every batch shares one random LR height; validation uses fixed clean protocol pairs.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import torch

from plateplug.data.crops import Crop, is_scenes
from plateplug.data.protocol import SCALE, make_pair
from plateplug.errors import PlateplugError
from plateplug.train.degrade import degrade, photometric

MIN_HR_HEIGHT = 40  # crops lower than this are too small to be an x4 target
UPSCALE_SLACK = 1.35  # an HR patch may be at most this much larger than the crop
LR_HEIGHTS = np.arange(12, 29)
LR_HEIGHT_WEIGHTS = np.exp(-0.5 * ((LR_HEIGHTS - 19.0) / 5.0) ** 2)


def to_tensor(images: list[np.ndarray]) -> torch.Tensor:
    """BGR uint8 HxWx3 images of one size -> RGB float N x 3 x H x W in 0..1; bursts
    (K x H x W x 3 each) -> N x 3K x H x W, frame by frame."""
    batch = np.moveaxis(np.stack(images)[..., ::-1], -1, -3)
    batch = batch.reshape(len(images), -1, *batch.shape[-2:])
    return torch.from_numpy(np.ascontiguousarray(batch)).float().div_(255.0)


def to_images(batch: torch.Tensor) -> list[np.ndarray]:
    """RGB float N x 3 x H x W in 0..1 -> BGR uint8 images (rounded, clipped)."""
    arr = batch.detach().clamp(0, 1).mul(255).round().byte().cpu().numpy()
    return [np.ascontiguousarray(a.transpose(1, 2, 0)[..., ::-1]) for a in arr]


class PairSampler:
    """Draws batches of (lr, hr) patches; every batch shares one random LR height.

    Patches are the full crop height and ``patch_width`` LR pixels wide; crops narrower than
    that are stretched to fit. Only crops that can give an HR patch without much upscaling
    are used for a height (unless there are too few). Crops are drawn uniformly, or, with a
    ``scenes_share``, that share of them from the scenes crops (``scenes/`` keys).
    """

    def __init__(self, crops: list[Crop], rng: np.random.Generator, patch_width: int = 40,
                 degradation: str = "mixed", scenes_share: float = 0.0):
        usable = [c for c in crops if c.image.shape[0] >= MIN_HR_HEIGHT]
        self.crops = usable or crops
        if not self.crops:
            raise PlateplugError("no training crops")
        self.heights = np.array([c.image.shape[0] for c in self.crops])
        self.is_scenes = np.array([is_scenes(c) for c in self.crops])
        if scenes_share and not self.is_scenes.any():
            raise PlateplugError("a scenes share of the training plates needs scenes crops "
                                 "(--scenes)")
        self.rng = rng
        self.patch_width = patch_width
        self.degradation = degradation
        self.scenes_share = scenes_share

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """One batch: LR N x 3 x h x w and HR N x 3 x 4h x 4w, RGB in 0..1."""
        lrs, hrs = [], []
        for hr, x0 in self.plates(batch):
            hr = np.ascontiguousarray(hr[:, x0 : x0 + SCALE * self.patch_width])
            lrs.append(degrade(hr, self.rng, self.degradation))
            hrs.append(hr)
        return to_tensor(lrs), to_tensor(hrs)

    def plates(self, batch: int) -> Iterator[tuple[np.ndarray, int]]:
        """``batch`` whole HR plates of one random LR height (4x that high), each with the
        left edge ``x0`` of its HR patch (``patch_width`` LR pixels wide); drawn one at a
        time, so the caller's draws between them keep the random sequence."""
        rng = self.rng
        h_lr = int(rng.choice(LR_HEIGHTS, p=LR_HEIGHT_WEIGHTS / LR_HEIGHT_WEIGHTS.sum()))
        eligible = np.flatnonzero(self.heights * UPSCALE_SLACK >= SCALE * h_lr)
        if len(eligible) < batch:
            eligible = np.arange(len(self.crops))
        for index in self._pick(eligible, batch):
            image = photometric(self.crops[int(index)].image, rng)
            h, w = image.shape[:2]
            w_lr = max(self.patch_width, round(w * h_lr / h))
            hr = cv2.resize(image, (SCALE * w_lr, SCALE * h_lr), interpolation=cv2.INTER_AREA)
            yield hr, SCALE * int(rng.integers(0, w_lr - self.patch_width + 1))

    def _pick(self, eligible: np.ndarray, batch: int) -> list[int]:
        """``batch`` crop indices from ``eligible``: uniform, or with the scenes crops drawn
        at ``scenes_share`` when the height leaves both scenes and other crops."""
        if self.scenes_share:
            scenes = eligible[self.is_scenes[eligible]]
            others = eligible[~self.is_scenes[eligible]]
            if len(scenes) and len(others):
                return [int(self.rng.choice(scenes if self.rng.random() < self.scenes_share
                                            else others)) for _ in range(batch)]
        return [int(i) for i in self.rng.choice(eligible, size=batch)]


def validation_pairs(
    crops: list[Crop], count: int = 48, lr_height: int = 20
) -> list[tuple[np.ndarray, np.ndarray]]:
    """A fixed set of clean protocol pairs (lr, hr) from ``count`` evenly spaced crops."""
    ordered = sorted(crops, key=lambda c: c.key)
    if len(ordered) > count:
        ordered = [ordered[i] for i in np.linspace(0, len(ordered) - 1, count).astype(int)]
    pairs = [make_pair(c.image, lr_height) for c in ordered]
    return [(p.lr, p.hr) for p in pairs]
