"""Training recipe of the unet enhancer: small PlateUNet restoring a bicubic x4, pixel L1."""

from __future__ import annotations

from plateplug.data.protocol import SCALE
from plateplug.train.archs.unet_arch import PlateUNet
from plateplug.train.recipes import srgan
from plateplug.train.recipes.base import Recipe

RECIPE = Recipe(
    name="unet",
    version="1.5.0",
    input_heights=(12, 48),  # where its OCR gain over bicubic vanishes (docs/video.md)
    build=PlateUNet,
    arch={"num_feat": 16, "num_mid": 3, "scale": SCALE},
    architecture=(
        "U-Net: 2 levels (LR 16 ch, LR/2 32 ch, 4 residual blocks, skip connection), "
        "PixelShuffle x4 residual on a fixed bicubic x4 (grouped conv); pixel L1 loss (with "
        "--text-loss: plus srgan's text loss)"
    ),
    make_objective=srgan.pixel_or_text_objective,
    lr=5e-4,
)
