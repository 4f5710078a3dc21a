"""Building blocks shared by the built-in architectures (BasicSR style, plain nn.Modules)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def _cubic(x: float, a: float = -0.75) -> float:
    """Keys cubic convolution kernel, the one PyTorch and OpenCV bicubic use (a=-0.75)."""
    x = abs(x)
    if x <= 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return 0.0


def bicubic_phase_taps(scale: int = 4) -> torch.Tensor:
    """1-D taps (scale x 5) of each output phase for bicubic upsampling, align_corners=False.

    Output pixel ``scale*k + p`` samples the input at ``k + (2p + 1 - scale) / (2 scale)``;
    its four cubic taps fall inside input pixels ``k-2 .. k+2``.
    """
    taps = torch.zeros(scale, 5, dtype=torch.float64)
    for p in range(scale):
        offset = (2 * p + 1 - scale) / (2 * scale)
        for j, pos in enumerate(range(-2, 3)):
            taps[p, j] = _cubic(pos - offset)
    return taps


class BicubicUpsample(nn.Module):
    """Fixed bicubic x``scale`` upsampling as a grouped conv + PixelShuffle.

    Equal to ``F.interpolate(x, scale_factor=scale, mode="bicubic", align_corners=False)``
    (replicate padding = PyTorch's clamped border), but exports to a cheap Conv in ONNX
    instead of a slow bicubic Resize. The kernel is a buffer, never trained.
    """

    kernel: torch.Tensor

    def __init__(self, scale: int = 4, channels: int = 3):
        super().__init__()
        taps = bicubic_phase_taps(scale)
        kernel = torch.einsum("ik,jl->ijkl", taps, taps).reshape(scale * scale, 1, 5, 5)
        self.scale = scale
        self.channels = channels
        self.register_buffer("kernel", kernel.repeat(channels, 1, 1, 1).float(), persistent=False)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, (2, 2, 2, 2), mode="replicate")
        return self.shuffle(F.conv2d(x, self.kernel, groups=self.channels))


class ResidualBlockNoBN(nn.Module):
    """conv-ReLU-conv with an identity skip and no batch norm (EDSR/BasicSR)."""

    def __init__(self, num_feat: int = 32, res_scale: float = 1.0):
        super().__init__()
        self.conv1 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv2 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.relu = nn.ReLU(inplace=True)
        self.res_scale = res_scale
        for conv in (self.conv1, self.conv2):
            nn.init.kaiming_normal_(conv.weight)
            conv.weight.data *= 0.1
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(self.relu(self.conv1(x))) * self.res_scale


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
