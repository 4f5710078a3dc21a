"""RapidOCR's text recogniser as a frozen torch network, and a text loss built on it.

The recognition model inside the ``rapidocr`` wheel (PP-OCR, Apache-2.0; the reader that
``plateplug bench`` measures with) runs with torch operations (``plateplug.train.onnx_torch``),
so gradients flow through it. ``OcrDistillationLoss`` asks it to read the same characters in
the SR crop as in the HR crop: the KL divergence between its per-column character
distributions on HR (the target, no gradient) and on SR. No text labels are needed, so every
training crop (scenes plates included) counts.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.train.onnx_torch import OnnxGraphModule

TEACHER = "rapidocr"  # the --recognizer value that selects this teacher
MODEL_FILE = "PP-OCRv6_rec_small.onnx"  # RapidOCR 3.x's default recogniser
INPUT_HEIGHT = 48  # PP-OCR recognisers read text lines 48 px high


def recogniser_path() -> Path:
    """The recognition ONNX shipped inside the installed rapidocr wheel."""
    rapidocr = require("rapidocr", "ocr")
    path = Path(str(rapidocr.__file__)).parent / "models" / MODEL_FILE
    if not path.is_file():
        raise PlateplugError(f"rapidocr {rapidocr.__version__} has no {MODEL_FILE}")
    return path


def is_recogniser_file(recognizer: str) -> bool:
    """Whether a ``--recognizer`` value names a recogniser ONNX file (RapidOCR's, copied out
    of the wheel for a machine without the ``rapidocr`` package) rather than a checkpoint."""
    return Path(recognizer).suffix.lower() == ".onnx"


def load_ocr_teacher(device: torch.device | str = "cpu", path: Path | None = None) -> nn.Module:
    """RapidOCR's recogniser (``path``, default the one in the installed wheel) as a frozen
    torch module: (N, 3, 48, W) BGR in [-1, 1] -> (N, W/8, classes) character probabilities
    per column."""
    onnx = require("onnx", "train")
    return OnnxGraphModule(onnx.load(str(path or recogniser_path()))).eval().to(device)


class OcrDistillationLoss(nn.Module):
    """KL(reader(HR) || reader(SR)) per column, averaged: SR must read like HR."""

    weight: float = 1e-3  # its gradient on SR: 5-15x the 0.5 * L1 term's (measured on resnet 1.2.0)

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network

    @staticmethod
    def reader_input(rgb: torch.Tensor) -> torch.Tensor:
        """RGB in 0..1 -> the recogniser's input: 48 px high, BGR, scaled to [-1, 1]."""
        h, w = rgb.shape[-2:]
        width = max(8, round(w * INPUT_HEIGHT / h))
        resized = F.interpolate(rgb, size=(INPUT_HEIGHT, width), mode="bilinear",
                                align_corners=False, antialias=h > INPUT_HEIGHT)
        return resized.flip(1) * 2 - 1

    def forward(self, sr: torch.Tensor, hr: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            target = self.network(self.reader_input(hr.clamp(0, 1)))
        probs = self.network(self.reader_input(sr.clamp(0, 1)))
        log_target = target.clamp_min(1e-8).log()
        log_probs = probs.clamp_min(1e-8).log()
        return (target * (log_target - log_probs)).sum(-1).mean()
