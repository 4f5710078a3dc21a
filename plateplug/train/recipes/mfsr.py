"""Training recipe of the mfsr enhancer: MultiFrameResNet on registered 5-frame bursts, pixel
L1 (with ``--text-loss``: plus the srgan recipe's text loss, no adversarial term), started
from a single-frame PlateResNet (the shipped srgan or resnet) whose first convolution is
shared by the frames, or from an mfsr checkpoint."""

from __future__ import annotations

from pathlib import Path

from torch import nn

from plateplug.data.protocol import BURST_FRAMES
from plateplug.train.archs.mfsr_arch import MultiFrameResNet, spread_single_frame
from plateplug.train.bursts import BurstSampler, burst_validation
from plateplug.train.init_weights import initial_state, load_state
from plateplug.train.recipes import srgan
from plateplug.train.recipes.base import Recipe


def load_init(model: nn.Module, path: str | Path) -> None:
    """``--init`` from a single-frame PlateResNet (checkpoint or .onnx) or an mfsr one."""
    load_state(model, spread_single_frame(initial_state(path), BURST_FRAMES), path)


RECIPE = Recipe(
    name="mfsr",
    version="1.3.0",
    build=MultiFrameResNet,
    arch={"frames": BURST_FRAMES, "num_feat": 32, "num_block": 16, "scale": 4, "grid": 4},
    architecture=(
        f"multi-frame: {BURST_FRAMES} LR frames registered to frame 0 (phase correlation + "
        "ECC), stacked on channels with their shift-and-add on a x4 grid, one fusing conv, "
        "PlateResNet trunk (16 residual blocks x 32 ch), PixelShuffle x4, bicubic residual on "
        "frame 0; pixel L1 on random bursts, then (1.3.0) + a CTC loss of RapidOCR's "
        "recogniser on fused whole plates against their text"
    ),
    lr=2e-4,
    degradation="camera",
    needs_init=True,
    frames=BURST_FRAMES,
    input_heights=(12, 32),  # resnet's: the same trunk and training crops (docs/video.md)
    sampler=BurstSampler,
    validation=burst_validation,
    validation_setting="burst_realistic16",
    load_init=load_init,
    make_objective=srgan.pixel_or_text_objective,
)
