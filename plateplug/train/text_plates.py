"""Whole plates with their text, for the CTC loss (``plateplug.train.ctc_loss``).

A batch has one LR height (TEXT_LR_HEIGHTS, around the protocol's 16 and 20 px) and one
width: every plate is resized to the batch's median aspect (between 2:1 and 5:1), so the
reader sees each whole plate, slightly stretched or squeezed. With a two-row share, that
share of the batches holds rendered two-row plates instead (aspect 1:1 to 2.5:1), each with
its two rows' bands and texts, so that the loss reads each row on its own. With a scenes
share, each one-row plate comes from the labelled scenes crops (``scenes/`` keys) with that
probability, whatever their number among the others. The LR side is
degraded like the pixel batches; for a multi-frame model it is a registered burst
(``training_burst``).
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

from plateplug.data.crops import Crop, is_scenes
from plateplug.data.protocol import SCALE
from plateplug.errors import PlateplugError
from plateplug.train.archs.recognizer_arch import is_plate_text
from plateplug.train.bursts import LrInput, input_tensor, training_burst
from plateplug.train.ctc_loss import LineBand
from plateplug.train.degrade import degrade, photometric

TEXT_LR_HEIGHTS = (14, 20)  # inclusive
ASPECTS = (2.0, 5.0)  # one-row plates; the recogniser reads one line
TWO_ROW_ASPECTS = (1.0, 2.5)


def _is_two_row(crop: Crop) -> bool:
    return len(crop.lines) == 2 and all(is_plate_text(line.text) for line in crop.lines)


class TextPlateSampler:
    """Draws (LR N x 3K x h x w RGB in 0..1, then the grid channels with ``grid``; line
    texts, line bands) from the crops whose text is A-Z0-9: one line per plate (its whole
    height) or, for the two-row batches, two."""

    def __init__(self, crops: list[Crop], rng: np.random.Generator, degradation: str,
                 frames: int = 1, two_row_share: float = 0.0, scenes_share: float = 0.0,
                 grid: int = 0):
        one_row = [c for c in crops if is_plate_text(c.text) and len(c.lines) < 2]
        apart = [is_scenes(c) and scenes_share > 0 for c in one_row]
        self.scenes = [c for c, scene in zip(one_row, apart) if scene]
        self.crops = [c for c, scene in zip(one_row, apart) if not scene] or self.scenes
        self.two_row = [c for c in crops if _is_two_row(c)] if two_row_share else []
        if not self.crops and not self.two_row:
            raise PlateplugError("the CTC loss needs plates with text (A-Z0-9) to train on")
        if two_row_share and not self.two_row:
            raise PlateplugError("two-row CTC batches need rendered two-row plates")
        if scenes_share and not self.scenes:
            raise PlateplugError("a scenes share of the CTC batches needs scenes crops with "
                                 "text (--scenes-texts)")
        self.scenes_share = scenes_share
        self.rng = rng
        self.degradation = degradation
        self.frames = frames
        self.grid = grid
        self.two_row_share = two_row_share

    def sample(self, batch: int) -> tuple[torch.Tensor, list[str], list[LineBand]]:
        """One batch of whole plates, the texts of their lines and the lines' bands."""
        rng = self.rng
        two_rows = bool(self.two_row_share) and (not self.crops
                                                 or rng.random() < self.two_row_share)
        pool = self.two_row if two_rows else self.crops
        height = int(rng.integers(TEXT_LR_HEIGHTS[0], TEXT_LR_HEIGHTS[1] + 1))
        if pool is self.crops and self.scenes:
            picks = [self._one_row() for _ in range(batch)]
        else:
            picks = [pool[int(i)] for i in rng.choice(len(pool), batch)]
        aspect = float(np.median([c.image.shape[1] / c.image.shape[0] for c in picks]))
        low, high = TWO_ROW_ASPECTS if two_rows else ASPECTS
        width = round(height * min(max(aspect, low), high))
        lrs: list[LrInput] = []
        for crop in picks:
            hr = cv2.resize(photometric(crop.image, rng), (SCALE * width, SCALE * height),
                            interpolation=cv2.INTER_AREA)
            lrs.append(degrade(hr, rng, self.degradation) if self.frames == 1
                       else training_burst(hr, rng, self.degradation, self.frames,
                                           grid=self.grid))
        if not two_rows:  # each plate whole, one line
            return input_tensor(lrs), [c.text for c in picks], [(i, 0.0, 1.0) for i in range(batch)]
        lines = [(i, line) for i, c in enumerate(picks) for line in c.lines]
        return (input_tensor(lrs), [line.text for _, line in lines],
                [(i, line.top, line.bottom) for i, line in lines])

    def _one_row(self) -> Crop:
        """A random one-row plate: from the scenes crops at their share, else the others."""
        pool = self.scenes if self.rng.random() < self.scenes_share else self.crops
        return pool[int(self.rng.integers(len(pool)))]
