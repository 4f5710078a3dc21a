"""SRGAN: the generator is PlateResNet (same weights layout, so it can start from a trained
resnet checkpoint); the discriminator is a VGG-style patch discriminator that returns a map
of real/fake logits, so it works on any HR patch size."""

from __future__ import annotations

import torch
from torch import nn

from plateplug.train.archs.resnet_arch import PlateResNet

__all__ = ["PatchDiscriminator", "PlateResNet", "SRGANGenerator"]

SRGANGenerator = PlateResNet


def _block(c_in: int, c_out: int, stride: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 3, stride, 1), nn.LeakyReLU(0.2, inplace=True)]


class PatchDiscriminator(nn.Module):
    """Strided conv stack (x8 down) ending in one logit per patch location."""

    def __init__(self, num_feat: int = 32):
        super().__init__()
        f = num_feat
        layers = _block(3, f, 1) + _block(f, f, 2) + _block(f, 2 * f, 1) + _block(2 * f, 2 * f, 2)
        layers += _block(2 * f, 4 * f, 1) + _block(4 * f, 4 * f, 2) + _block(4 * f, 4 * f, 1)
        layers.append(nn.Conv2d(4 * f, 1, 3, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
