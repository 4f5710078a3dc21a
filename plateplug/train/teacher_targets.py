"""Distillation targets (``plateplug train --teacher MODEL``): each training target becomes a
blend of the HR patch and a trained enhancer's output on the same LR patch, so that a small
model learns what a larger one learned (unet from srgan, say), not only the HR pixels."""

from __future__ import annotations

import numpy as np
import torch

from plateplug.enhancer import Enhancer
from plateplug.errors import PlateplugError
from plateplug.train.data import PairSampler, to_images, to_tensor


class TeacherTargets:
    """Wraps a single-frame sampler: each batch's target is ``(1 - share) * hr + share *
    teacher(lr)`` (the teacher's uint8 output, as an enhancer returns it)."""

    def __init__(self, sampler: PairSampler, teacher: Enhancer, share: float):
        if not 0 < share <= 1:
            raise PlateplugError(f"the teacher's share must be in (0, 1], got {share}")
        self.sampler, self.teacher, self.share = sampler, teacher, share

    @property
    def rng(self) -> np.random.Generator:
        return self.sampler.rng

    @rng.setter
    def rng(self, value: np.random.Generator) -> None:
        self.sampler.rng = value

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch of (lr, blended target), as the wrapped sampler's."""
        lr, hr = self.sampler.sample(batch)
        if lr.shape[1] != 3:
            raise PlateplugError("a teacher enlarges single frames: --teacher does not fit a "
                                 "multi-frame model")
        taught = to_tensor(self.teacher.enhance_batch(to_images(lr)))
        if taught.shape != hr.shape:
            raise PlateplugError(f"the teacher returned {tuple(taught.shape)} for targets of "
                                 f"{tuple(hr.shape)}: it must enlarge {self.teacher.scale}x "
                                 "as the trained model does")
        return lr, hr.mul(1 - self.share).add_(taught, alpha=self.share)
