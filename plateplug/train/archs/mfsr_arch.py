"""MultiFrameResNet: early fusion of K registered LR frames, PlateResNet trunk, x4.

The K frames (registered to frame 0 beforehand, see ``plateplug.align``) come stacked on
the channels, RGB in 0..1, frame by frame: N x 3K x h x w; with ``grid`` the burst's
shift-and-add channels follow (``plateplug.shift_add``: the unwarped frames on a ``grid``
times finer grid, which keeps the aliasing the registration's warp filters out). One
convolution fuses them; the trunk and the one-step pixel shuffle are PlateResNet's, and the
output is a residual on the bicubic enlargement of frame 0, so it stays aligned with the
reference frame.
"""

from __future__ import annotations

import torch
from torch import nn

from plateplug.shift_add import grid_channels
from plateplug.train.archs.resnet_arch import PlateResNet


class MultiFrameResNet(PlateResNet):
    """PlateResNet whose first convolution takes ``frames`` RGB frames (and, with ``grid``,
    their shift-and-add channels at that scale)."""

    def __init__(self, frames: int = 5, num_feat: int = 32, num_block: int = 16,
                 scale: int = 4, grid: int = 0):
        super().__init__(num_feat, num_block, scale)
        self.frames = frames
        self.grid = grid
        self.conv_first = nn.Conv2d(input_channels(frames, grid), num_feat, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.conv_first(x)
        feat = feat + self.conv_body(self.body(feat))
        return self.base(x[:, :3]) + self.shuffle(self.conv_up(feat))


def input_channels(frames: int, grid: int) -> int:
    """Channels of the network's input: the frames' and, with ``grid``, the grid's."""
    return 3 * frames + (grid_channels(grid) if grid else 0)


def spread_single_frame(state: dict[str, torch.Tensor], frames: int) -> dict[str, torch.Tensor]:
    """PlateResNet weights -> MultiFrameResNet weights: the first convolution's kernel is
    shared evenly by the frames, so the network starts as the single-frame one run on the
    mean of the registered frames. MultiFrameResNet weights come back unchanged."""
    weight = state["conv_first.weight"]
    if weight.shape[1] != 3:
        return state
    return {**state, "conv_first.weight": weight.repeat(1, frames, 1, 1) / frames}
