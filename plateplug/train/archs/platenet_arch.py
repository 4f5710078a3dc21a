"""PlateNet, a light CenterNet-style plate detector: depthwise-separable backbone to stride
16, a small top-down neck back to stride 4, and one 5-channel head (see
plateplug/detect/decode.py)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

STRIDE = 4
INPUT_SIZE = (896, 512)  # W, H of the main pass: a 1280 x 720 frame is scaled by 0.7
SCALES = (1.0, 0.35)  # the main pass, and a small one for plates too large for it
CHANNEL_ORDER = "BGR"
MEAN = (0.45, 0.45, 0.45)
STD = (0.25, 0.25, 0.25)
HEAT_PRIOR = 0.05
NECK, DEEP = 48, 96  # default channels of the top-down neck and of the stride-16 stage


def conv_bn(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    """3x3 convolution, batch norm, ReLU."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class SepBlock(nn.Module):
    """Depthwise 3x3 then pointwise 1x1, residual when the shape is kept."""

    def __init__(self, cin: int, cout: int, stride: int = 1, dilation: int = 1):
        super().__init__()
        self.dw = nn.Sequential(
            nn.Conv2d(cin, cin, 3, stride, dilation, dilation, groups=cin, bias=False),
            nn.BatchNorm2d(cin), nn.ReLU(inplace=True))
        self.pw = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.pw(self.dw(x))
        return F.relu(y + x if self.residual else y)


class PlateNet(nn.Module):
    """Raw output N x 5 x H/4 x W/4: centre logit, offset logits x/y, log width/height (cells).

    H and W must be multiples of 16. ``neck`` and ``deep`` set the channels of the neck and of
    the stride-16 stage (the capacity where most of the compute is not); ``neck4`` (default
    ``neck``) those of the neck's stride-4 path, whose cost grows with its square: when it is
    thinner, a 1x1 convolution (``thin8``) narrows the stride-8 features before they are
    enlarged.
    """

    def __init__(self, neck: int = NECK, deep: int = DEEP, neck4: int | None = None):
        super().__init__()
        neck4 = neck if neck4 is None else neck4
        self.neck, self.deep, self.neck4 = neck, deep, neck4
        self.c4 = nn.Sequential(conv_bn(3, 16, 2), conv_bn(16, 32, 2), SepBlock(32, 32))
        self.c8 = nn.Sequential(SepBlock(32, 64, 2), SepBlock(64, 64))
        self.c16 = nn.Sequential(SepBlock(64, deep, 2), SepBlock(deep, deep),
                                 SepBlock(deep, deep, 1, 2), SepBlock(deep, deep, 1, 4))
        self.lat4 = nn.Conv2d(32, neck4, 1)
        self.lat8, self.lat16 = (nn.Conv2d(c, neck, 1) for c in (64, deep))
        self.p8 = SepBlock(neck, neck)
        self.thin8 = nn.Conv2d(neck, neck4, 1) if neck4 != neck else nn.Identity()
        self.p4 = nn.Sequential(SepBlock(neck4, neck4), SepBlock(neck4, neck4))
        self.head = nn.Conv2d(neck4, 5, 1)
        bias = self.head.bias
        if bias is not None:
            with torch.no_grad():
                bias.zero_()
                bias[0] = float(torch.logit(torch.tensor(HEAT_PRIOR)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c4 = self.c4(x)
        c8 = self.c8(c4)
        c16 = self.c16(c8)
        p8 = self.p8(self.lat8(c8) + F.interpolate(self.lat16(c16), scale_factor=2.0))
        p4 = self.p4(self.lat4(c4) + F.interpolate(self.thin8(p8), scale_factor=2.0))
        return self.head(p4)


class Deployed(nn.Module):
    """What gets exported: centre and offsets as probabilities, log sizes unchanged."""

    def __init__(self, net: PlateNet):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.net(x)
        return torch.cat([torch.sigmoid(y[:, :3]), y[:, 3:]], dim=1)


def normalise(batch: torch.Tensor) -> torch.Tensor:
    """uint8 N x H x W x 3 (BGR) -> float N x 3 x H x W as the network expects."""
    x = batch.permute(0, 3, 1, 2).float() / 255
    mean = torch.tensor(MEAN, device=batch.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=batch.device).view(1, 3, 1, 1)
    return (x - mean) / std
