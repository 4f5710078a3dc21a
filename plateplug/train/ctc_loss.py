"""A recognition loss against a plate's text: RapidOCR's recogniser (the frozen teacher of
``plateplug.train.ocr_teacher``) reads the SR image of a whole plate, and CTC scores that
reading against the label. Only A-Z0-9 are targets; every other class of the reader counts as
blank, so a dash, dot or space in the reading costs nothing. A plate of two rows is read row
by row: each row's band of the SR image is cut out and read as one line."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.train.archs.recognizer_arch import ALPHABET, ctc_targets, is_plate_text
from plateplug.train.ocr_teacher import (
    TEACHER,
    OcrDistillationLoss,
    is_recogniser_file,
    recogniser_path,
)
from plateplug.train.onnx_torch import OnnxGraphModule

CHARACTERS_KEY = "character"  # PP-OCR recognisers list their classes (after blank) here
LineBand = tuple[int, float, float]  # plate index in the batch, band top and bottom (0..1)


def recogniser_characters(model: Any) -> list[str]:
    """The classes after blank of a recogniser (an ONNX ModelProto), from its metadata."""
    metadata = {p.key: p.value for p in model.metadata_props}
    if CHARACTERS_KEY not in metadata:
        raise PlateplugError(f"the recogniser lists no characters (metadata '{CHARACTERS_KEY}')")
    return metadata[CHARACTERS_KEY].split("\n")


class PlateCtcLoss(nn.Module):
    """CTC between the recogniser's reading of SR (per-column probabilities, folded to blank
    + A-Z0-9, the CRNN recogniser's ALPHABET and classes) and the plate texts."""

    def __init__(self, network: nn.Module, characters: Sequence[str]):
        super().__init__()
        missing = [c for c in ALPHABET if c not in characters]
        if missing:
            raise PlateplugError(f"the recogniser cannot read {''.join(missing)}")
        self.network = network
        first = {c: i for i, c in reversed(list(enumerate(characters)))}
        self.register_buffer("classes", torch.tensor([first[c] + 1 for c in ALPHABET]))

    @staticmethod
    def encode(texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Concatenated targets (1 + index in ALPHABET; 0 is blank) and lengths."""
        if not all(is_plate_text(t) for t in texts):
            raise PlateplugError("CTC targets must be A-Z0-9")
        return ctc_targets(list(texts))

    def log_probabilities(self, sr: torch.Tensor) -> torch.Tensor:
        """RGB N x 3 x H x W in 0..1 -> T x N x 37 log-probabilities (blank first)."""
        probs = self.network(OcrDistillationLoss.reader_input(sr.clamp(0, 1)))
        kept = probs[..., self.classes]
        blank = (1 - kept.sum(-1, keepdim=True)).clamp_min(1e-8)
        return torch.cat([blank, kept], -1).clamp_min(1e-8).log().transpose(0, 1)

    @staticmethod
    def lines(sr: torch.Tensor, bands: Sequence[LineBand]) -> torch.Tensor:
        """Each band (plate index, top and bottom as fractions of the height) of ``sr``,
        resized to the tallest band's height: one text line per band."""
        height = sr.shape[-2]
        if len(bands) == len(sr) and all(t <= 0 and b >= 1 for _, t, b in bands):
            return sr
        size = (max(1, round(height * max(b - t for _, t, b in bands))), sr.shape[-1])
        cuts = []
        for index, top, bottom in bands:
            y0 = min(int(top * height), height - 1)
            y1 = max(y0 + 1, math.ceil(bottom * height))
            cuts.append(F.interpolate(sr[index:index + 1, :, y0:y1], size=size,
                                      mode="bilinear", align_corners=False))
        return torch.cat(cuts)

    def forward(self, sr: torch.Tensor, texts: Sequence[str],
                bands: Sequence[LineBand] | None = None) -> torch.Tensor:
        """Mean CTC of the lines (default: each plate whole, one line) against ``texts``."""
        log_probs = self.log_probabilities(sr if bands is None else self.lines(sr, bands))
        targets, lengths = self.encode(texts)
        columns = torch.full((len(texts),), log_probs.shape[0], dtype=torch.long)
        return F.ctc_loss(log_probs, targets.to(sr.device), columns, lengths,
                          zero_infinity=True)


def load_ctc_loss(recognizer: str, device: torch.device | str = "cpu") -> PlateCtcLoss:
    """The CTC loss through ``recognizer``: 'rapidocr' (the installed wheel's) or that
    recogniser's .onnx file."""
    if recognizer != TEACHER and not is_recogniser_file(recognizer):
        raise PlateplugError("the CTC loss reads with RapidOCR's recogniser: --recognizer "
                             f"{TEACHER} or its .onnx file")
    path = recogniser_path() if recognizer == TEACHER else Path(recognizer)
    if not path.is_file():
        raise PlateplugError(f"no recogniser at {path}")
    model = require("onnx", "train").load(str(path))  # read once: graph and character list
    return PlateCtcLoss(OnnxGraphModule(model).eval(), recogniser_characters(model)).to(device)
