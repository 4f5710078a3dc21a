"""PlateVerifier: a small CNN that tells plates from plate-like lettering on a box crop with
its surroundings (96 x 32, see plateplug/detect/verifier.py)."""

from __future__ import annotations

import torch
from torch import nn

CHANNEL_ORDER = "BGR"
MEAN = (0.0, 0.0, 0.0)  # inputs are value / 255
STD = (1.0, 1.0, 1.0)
WIDTHS = (16, 32, 48, 64)


def conv_bn(cin: int, cout: int) -> nn.Sequential:
    """3x3 convolution, batch norm, ReLU."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class PlateVerifier(nn.Module):
    """Conv blocks (``widths`` channels, by default 16, 32, 48, 64, max-pooled by 2 between
    them), global average pooling and one linear layer: a plate logit per crop."""

    def __init__(self, widths: tuple[int, ...] = WIDTHS):
        super().__init__()
        self.widths = tuple(widths)
        layers: list[nn.Module] = []
        cin = 3
        for index, width in enumerate(widths):
            if index:
                layers.append(nn.MaxPool2d(2))
            layers.append(conv_bn(cin, width))
            cin = width
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(cin, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x)).squeeze(1)


class Deployed(nn.Module):
    """What gets exported: the plate probability, N x 1."""

    def __init__(self, net: PlateVerifier):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(x)).unsqueeze(1)
