"""RapidOCR's text recogniser as a frozen torch network, and a text loss built on it.

The recognition model inside the ``rapidocr`` wheel (PP-OCR, Apache-2.0; the reader that
``plateplug bench`` measures with) is converted from ONNX to torch with ``onnx2torch``, so
gradients flow through it. ``OcrDistillationLoss`` asks it to read the same characters in
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


def _explicit_same_padding(model) -> None:
    """onnx2torch has no ``auto_pad=SAME_UPPER``: write the pads it means (stride 1)."""
    onnx = require("onnx", "train")
    for node in model.graph.node:
        attrs = {a.name: a for a in node.attribute}
        if attrs.get("auto_pad") is None or attrs["auto_pad"].s != b"SAME_UPPER":
            continue
        kernel = list(attrs["kernel_shape"].ints)
        strides = list(attrs["strides"].ints) if "strides" in attrs else []
        if any(s != 1 for s in strides):
            raise PlateplugError(f"{node.name}: SAME_UPPER with a stride is not supported")
        begin = [(k - 1) // 2 for k in kernel]
        end = [k - 1 - b for k, b in zip(kernel, begin)]
        node.attribute.remove(attrs["auto_pad"])
        node.attribute.append(onnx.helper.make_attribute("pads", begin + end))


def load_ocr_teacher(device: torch.device | str = "cpu") -> nn.Module:
    """RapidOCR's recogniser as a frozen torch module: (N, 3, 48, W) BGR in [-1, 1] ->
    (N, W/8, classes) character probabilities per column."""
    onnx = require("onnx", "train")
    onnx2torch = require("onnx2torch", "train")
    model = onnx.load(str(recogniser_path()))
    _explicit_same_padding(model)
    network = onnx2torch.convert(model).eval().to(device)
    for p in network.parameters():
        p.requires_grad_(False)
    return network


class OcrDistillationLoss(nn.Module):
    """KL(reader(HR) || reader(SR)) per column, averaged: SR must read like HR."""

    weight = 1e-3  # its gradient on SR: 5-15x the 0.5 * L1 term's (measured on resnet 1.2.0)

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network

    @staticmethod
    def reader_input(rgb: torch.Tensor) -> torch.Tensor:
        """RGB in 0..1 -> the recogniser's input: 48 px high, BGR, scaled to [-1, 1]."""
        n, _, h, w = rgb.shape
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
