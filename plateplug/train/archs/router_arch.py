"""SharpnessGate: the router's classifier (plateplug.routing): is an LR crop a sharp shrink?

Three 3x3 convolutions on the high-passed crop (the crop minus its 3x3 local mean, so the
gate looks at detail and noise, not at the plate's colours), a global average and one logit:
any crop size goes in. Input RGB in 0..1; ``forward`` returns probabilities, ``logits`` the
logits the training loss takes.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class SharpnessGate(nn.Module):
    """high-pass -> 3 x (conv 3x3, ReLU) -> global average -> linear -> probability."""

    def __init__(self, num_feat: int = 32):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, num_feat // 2, 3, padding=1), nn.ReLU(),
            nn.Conv2d(num_feat // 2, num_feat, 3, padding=1), nn.ReLU(),
            nn.Conv2d(num_feat, num_feat, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(num_feat, 1))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x - F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(x))
