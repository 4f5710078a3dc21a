"""PlateResNet: SRResNet-style x4 generator (16 residual blocks, one-step pixel shuffle).

The network predicts a residual on top of a fixed bicubic upsampling, so it starts as
bicubic and only has to learn the missing detail. Input and output are RGB in 0..1.
"""

from __future__ import annotations

import torch
from torch import nn

from plateplug.train.archs.layers import BicubicUpsample, ResidualBlockNoBN


class PlateResNet(nn.Module):
    """conv -> ``num_block`` residual blocks (+ long skip) -> conv(3*scale^2) -> PixelShuffle."""

    def __init__(self, num_feat: int = 32, num_block: int = 16, scale: int = 4):
        super().__init__()
        self.conv_first = nn.Conv2d(3, num_feat, 3, 1, 1)
        self.body = nn.Sequential(*(ResidualBlockNoBN(num_feat) for _ in range(num_block)))
        self.conv_body = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_up = nn.Conv2d(num_feat, 3 * scale * scale, 3, 1, 1)
        self.shuffle = nn.PixelShuffle(scale)
        self.base = BicubicUpsample(scale)
        if self.conv_up.bias is not None:
            nn.init.zeros_(self.conv_up.bias)
        self.conv_up.weight.data *= 0.1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.conv_first(x)
        feat = feat + self.conv_body(self.body(feat))
        return self.base(x) + self.shuffle(self.conv_up(feat))
