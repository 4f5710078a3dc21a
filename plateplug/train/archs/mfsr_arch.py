"""MultiFrameResNet: K registered LR frames fused into one PlateResNet trunk, x4.

The K frames (registered to frame 0 beforehand, see ``plateplug.align``) come stacked on
the channels, RGB in 0..1, frame by frame: N x 3K x h x w. With ``fuse_after=0`` (early
fusion, versions 1.x) one convolution fuses them. With ``fuse_after=E`` every frame first runs
alone through the first convolution and E residual blocks (weights shared by the frames), a
1x1 convolution fuses the K feature maps and the remaining blocks run once (late fusion).
The one-step pixel shuffle is PlateResNet's, and the output is a residual on the bicubic
enlargement of frame 0, so it stays aligned with the reference frame.
"""

from __future__ import annotations

import torch
from torch import nn

from plateplug.train.archs.resnet_arch import PlateResNet


class MultiFrameResNet(PlateResNet):
    """PlateResNet that takes ``frames`` RGB frames, fused at the input or after
    ``fuse_after`` residual blocks."""

    def __init__(self, frames: int = 5, num_feat: int = 32, num_block: int = 16,
                 scale: int = 4, fuse_after: int = 0):
        super().__init__(num_feat, num_block, scale)
        if not 0 <= fuse_after < num_block:
            raise ValueError(f"fuse_after must be in 0..{num_block - 1}, got {fuse_after}")
        self.frames = frames
        self.fuse_after = fuse_after
        if fuse_after == 0:
            self.conv_first = nn.Conv2d(3 * frames, num_feat, 3, 1, 1)
        else:
            self.fuse = nn.Conv2d(num_feat * frames, num_feat, 1)
            self.CONCATENATED_INPUTS = {"fuse.weight": frames}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fuse_after == 0:
            feat = self.conv_first(x)
            deep = self.body(feat)
        else:
            h, w = x.shape[2], x.shape[3]
            first = self.conv_first(x.reshape(-1, 3, h, w))  # N*K x C x h x w, frame-major
            channels = first.shape[1]
            early = self.body[: self.fuse_after](first)
            feat = first.reshape(-1, self.frames, channels, h, w).mean(dim=1)
            fused = self.fuse(early.reshape(-1, self.frames * channels, h, w))
            deep = self.body[self.fuse_after:](fused)
        feat = feat + self.conv_body(deep)
        return self.base(x[:, :3]) + self.shuffle(self.conv_up(feat))


def spread_single_frame(state: dict[str, torch.Tensor], frames: int,
                        fuse_after: int = 0) -> dict[str, torch.Tensor]:
    """PlateResNet weights -> MultiFrameResNet weights, so the network starts as the
    single-frame one: with early fusion the first convolution's kernel is shared evenly by
    the frames (the single-frame network on the mean of the registered frames); with late
    fusion the 1x1 fusion averages the frames' features. MultiFrameResNet weights come back
    unchanged."""
    weight = state["conv_first.weight"]
    if fuse_after == 0:
        if weight.shape[1] != 3:
            return state
        return {**state, "conv_first.weight": weight.repeat(1, frames, 1, 1) / frames}
    if "fuse.weight" in state or weight.shape[1] != 3:
        return state
    channels = weight.shape[0]
    eye = torch.eye(channels, dtype=weight.dtype)
    fuse = torch.cat([eye] * frames, dim=1)[:, :, None, None] / frames
    return {**state, "fuse.weight": fuse, "fuse.bias": torch.zeros(channels, dtype=weight.dtype)}
