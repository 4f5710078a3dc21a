"""Training recipe of the srgan enhancer: PlateResNet generator fine-tuned from a resnet
checkpoint with a small pixel L1 term, a text-aware perceptual loss (features of the
project's own CRNN plate recogniser, frozen) and an adversarial loss from a patch
discriminator."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.nn import functional as F

from plateplug.data.protocol import SCALE
from plateplug.errors import PlateplugError
from plateplug.train.archs.srgan_arch import PatchDiscriminator, SRGANGenerator
from plateplug.train.ocr_teacher import (
    TEACHER,
    OcrDistillationLoss,
    is_recogniser_file,
    load_ocr_teacher,
)
from plateplug.train.recipes.base import Objective, PixelL1, Recipe

if TYPE_CHECKING:
    from plateplug.train.recognizer import TextFeatureLoss

PIXEL_WEIGHT = 0.5
ADVERSARIAL_WEIGHT = 1e-3


class PerceptualAdversarial(nn.Module):
    """pixel L1 * PIXEL_WEIGHT + text loss * its ``weight`` + GAN * ``adversarial_weight``
    (the GAN term only when there is a discriminator)."""

    def __init__(
        self,
        feature_loss: TextFeatureLoss | OcrDistillationLoss,
        adversarial_weight: float = ADVERSARIAL_WEIGHT,
    ):
        super().__init__()
        self.feature_loss = feature_loss
        self.adversarial_weight = adversarial_weight

    def generator_loss(
        self, sr: torch.Tensor, hr: torch.Tensor, disc: nn.Module | None
    ) -> tuple[torch.Tensor, dict[str, float]]:
        pixel = F.l1_loss(sr, hr)
        feature = self.feature_loss(sr, hr)
        loss = PIXEL_WEIGHT * pixel + self.feature_loss.weight * feature
        parts = {"l1": float(pixel.detach()), "feature": float(feature.detach())}
        if disc is not None:
            logits = disc(sr)
            adversarial = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
            loss = loss + self.adversarial_weight * adversarial
            parts["adversarial"] = float(adversarial.detach())
        return loss, parts

    def discriminator_loss(
        self, sr: torch.Tensor, hr: torch.Tensor, disc: nn.Module
    ) -> torch.Tensor:
        logits = disc(torch.cat([hr, sr]))  # one forward (DDP-friendly)
        real, fake = logits[: len(hr)], logits[len(hr) :]
        return 0.5 * (
            F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))
        )


def make_objective(options: dict[str, Any], device: torch.device) -> PerceptualAdversarial:
    """The text loss of ``options['recognizer']``: ``rapidocr`` (RapidOCR's recogniser as a
    teacher, ``plateplug.train.ocr_teacher``), that recogniser's ``.onnx`` file (the same
    teacher where the package is not installed) or a checkpoint of the project's CRNN, weighted
    by ``options['text_weight']`` when given (else the loss's own default ``weight``); the
    GAN term by ``options['adversarial_weight']`` when given (else ADVERSARIAL_WEIGHT)."""
    path = options.get("recognizer")
    if not path:
        raise PlateplugError("the text-aware loss needs a recogniser (--recognizer)")
    feature_loss: TextFeatureLoss | OcrDistillationLoss
    if path == TEACHER or is_recogniser_file(path):
        file = None if path == TEACHER else Path(path)
        feature_loss = OcrDistillationLoss(load_ocr_teacher(device, file))
    else:
        from plateplug.train.recognizer import TextFeatureLoss, load_feature_network

        feature_loss = TextFeatureLoss(load_feature_network(path, device))
    if options.get("text_weight") is not None:
        feature_loss.weight = float(options["text_weight"])
    adversarial = options.get("adversarial_weight")
    return PerceptualAdversarial(
        feature_loss, ADVERSARIAL_WEIGHT if adversarial is None else float(adversarial)
    )


def pixel_or_text_objective(options: dict[str, Any], device: torch.device) -> Objective:
    """Pixel recipes: L1, or with ``options['text_loss']`` L1 plus the text loss above (no
    adversarial term)."""
    return make_objective(options, device) if options.get("text_loss") else PixelL1()


RECIPE = Recipe(
    name="srgan",
    version="1.4.0",
    input_heights=(12, 32),  # where its OCR gain over bicubic vanishes (docs/video.md)
    build=SRGANGenerator,
    arch={"num_feat": 32, "num_block": 16, "scale": SCALE},
    architecture=(
        "SRGAN: generator = PlateResNet (16 residual blocks x 32 ch, PixelShuffle x4, bicubic "
        "residual) fine-tuned from resnet with pixel L1 + a text loss (--recognizer: RapidOCR's "
        "recogniser as a teacher, or the project's CRNN features) + adversarial loss (patch "
        "discriminator)"
    ),
    lr=1e-4,
    steps=3000,
    make_objective=make_objective,
    build_discriminator=PatchDiscriminator,
    needs_init=True,
)
