"""Whole plates with their text, for the CTC loss (``plateplug.train.ctc_loss``).

A batch has one LR height (TEXT_LR_HEIGHTS, around the protocol's 16 and 20 px) and one
width: every plate is resized to the batch's median aspect (between 2:1 and 5:1), so the
reader sees each whole plate, slightly stretched or squeezed. The LR side is degraded like
the pixel batches; for a multi-frame model it is a registered burst (``training_burst``).
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from plateplug.data.crops import Crop
from plateplug.data.protocol import SCALE
from plateplug.errors import PlateplugError
from plateplug.train.archs.recognizer_arch import is_plate_text
from plateplug.train.bursts import training_burst
from plateplug.train.data import to_tensor
from plateplug.train.degrade import degrade, photometric

TEXT_LR_HEIGHTS = (14, 20)  # inclusive
ASPECTS = (2.0, 5.0)  # one-row plates; the recogniser reads one line


class TextPlateSampler:
    """Draws (LR N x 3K x h x w RGB in 0..1, texts) from the crops whose text is A-Z0-9."""

    def __init__(self, crops: list[Crop], rng: np.random.Generator, degradation: str,
                 frames: int = 1):
        self.crops = [c for c in crops if is_plate_text(c.text)]
        if not self.crops:
            raise PlateplugError("the CTC loss needs plates with text (A-Z0-9) to train on")
        self.rng = rng
        self.degradation = degradation
        self.frames = frames

    def sample(self, batch: int) -> tuple[torch.Tensor, list[str]]:
        """One batch of whole plates and their texts."""
        rng = self.rng
        height = int(rng.integers(TEXT_LR_HEIGHTS[0], TEXT_LR_HEIGHTS[1] + 1))
        picks = [self.crops[int(i)] for i in rng.choice(len(self.crops), batch)]
        aspect = float(np.median([c.image.shape[1] / c.image.shape[0] for c in picks]))
        width = round(height * min(max(aspect, ASPECTS[0]), ASPECTS[1]))
        lrs = []
        for crop in picks:
            hr = cv2.resize(photometric(crop.image, rng), (SCALE * width, SCALE * height),
                            interpolation=cv2.INTER_AREA)
            lrs.append(degrade(hr, rng, self.degradation) if self.frames == 1
                       else training_burst(hr, rng, self.degradation, self.frames))
        return to_tensor(lrs), [c.text for c in picks]
