"""An example third-party plateplug plugin: a classical enhancer (no weights needed).

Lanczos x4 enlargement followed by an unsharp mask. It shows the two pieces a plugin
provides: an ``EnhancerModel`` (what ``plateplug models`` lists and ``plateplug.load``
creates) and an ``Enhancer`` subclass that implements ``_run`` on a batch of BGR crops.
"""

from __future__ import annotations

import cv2
import numpy as np

from plateplug import Enhancer, EnhancerModel, hookimpl


class SharpenEnhancer(Enhancer):
    """Lanczos enlargement, then unsharp masking to restore edge contrast."""

    def __init__(self, scale: int = 4, amount: float = 0.8, sigma: float = 2.0):
        super().__init__("lanczos-sharpen", scale, providers=["opencv"])
        self.amount = amount
        self.sigma = sigma

    def _run(self, batch: np.ndarray) -> np.ndarray:
        n, h, w, _ = batch.shape
        out = np.empty((n, h * self.scale, w * self.scale, 3), np.uint8)
        for i, crop in enumerate(batch):
            big = cv2.resize(crop, (w * self.scale, h * self.scale),
                             interpolation=cv2.INTER_LANCZOS4)
            soft = cv2.GaussianBlur(big, (0, 0), self.sigma)
            out[i] = cv2.addWeighted(big, 1 + self.amount, soft, -self.amount, 0)
        return out


class SharpenModel(EnhancerModel):
    """The registration: a name, a description, facts for listings and a loader."""

    name = "lanczos-sharpen"
    description = "Lanczos x4 + unsharp mask (example plugin, no learned weights)"

    def info(self) -> dict:
        return {"scale": 4, "parameters": 0}

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        return SharpenEnhancer()


@hookimpl
def register_enhancers(register):
    register(SharpenModel())
