"""Training recipe of the resnet enhancer: PlateResNet, pixel L1 content loss."""

from __future__ import annotations

from plateplug.data.protocol import SCALE
from plateplug.train.archs.resnet_arch import PlateResNet
from plateplug.train.recipes import srgan
from plateplug.train.recipes.base import Recipe

RECIPE = Recipe(
    name="resnet",
    version="1.7.0",
    input_heights=(12, 32),  # where its OCR gain over bicubic vanishes (docs/video.md)
    build=PlateResNet,
    arch={"num_feat": 32, "num_block": 16, "scale": SCALE},
    architecture=(
        "SRResNet-style: 16 residual blocks x 32 channels (no BN), one-step PixelShuffle x4, "
        "output = bicubic + residual; pixel L1 loss (with --text-loss: plus srgan's text loss)"
    ),
    make_objective=srgan.pixel_or_text_objective,
    lr=4e-4,
)
