"""PlateUNet: a small encoder-decoder with skip connections that restores a bicubic x4 crop.

As in the original 2019 project the output is the bicubic-enlarged crop plus a learned
correction, but the U-Net runs at LR resolution and half of it (the bicubic enlargement is
a fixed conv, the correction is pixel-shuffled to 4x at the end), which keeps it fast on CPU.
Odd sizes work: the upsampled deep features are cropped to the skip's size.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn

from plateplug.train.archs.layers import BicubicUpsample, ResidualBlockNoBN


class PlateUNet(nn.Module):
    """Two-level U-Net: LR level (``num_feat``) and LR/2 level (``2*num_feat``), x4 residual."""

    # fuse reads [skip, up]: two parts, each widened on its own when the model is widened
    CONCATENATED_INPUTS: ClassVar[dict[str, int]] = {"fuse.weight": 2}

    def __init__(self, num_feat: int = 16, num_mid: int = 3, scale: int = 4):
        super().__init__()
        deep = 2 * num_feat
        self.head = nn.Conv2d(3, num_feat, 3, 1, 1)
        self.enc = ResidualBlockNoBN(num_feat)
        self.down = nn.Conv2d(num_feat, deep, 3, 2, 1)
        self.mid = nn.Sequential(*(ResidualBlockNoBN(deep) for _ in range(num_mid)))
        self.up = nn.Sequential(nn.Conv2d(deep, num_feat * 4, 3, 1, 1), nn.PixelShuffle(2))
        self.fuse = nn.Conv2d(2 * num_feat, num_feat, 1)
        self.dec = ResidualBlockNoBN(num_feat)
        self.tail = nn.Conv2d(num_feat, 3 * scale * scale, 3, 1, 1)
        self.shuffle = nn.PixelShuffle(scale)
        self.base = BicubicUpsample(scale)
        self.relu = nn.ReLU(inplace=True)
        if self.tail.bias is not None:
            nn.init.zeros_(self.tail.bias)
        self.tail.weight.data *= 0.1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = self.enc(self.relu(self.head(x)))
        deep = self.mid(self.relu(self.down(skip)))
        up = self.up(deep)[:, :, : skip.shape[2], : skip.shape[3]]
        feat = self.dec(self.relu(self.fuse(torch.cat([skip, up], dim=1))))
        return self.base(x) + self.shuffle(self.tail(feat))
