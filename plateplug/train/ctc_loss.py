"""A recognition loss against a plate's text: RapidOCR's recogniser (the frozen teacher of
``plateplug.train.ocr_teacher``) reads the SR image of a whole plate, and CTC scores that
reading against the label. Only A-Z0-9 are targets; every other class of the reader counts as
blank, so a dash, dot or space in the reading costs nothing."""

from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.train.ocr_teacher import (
    TEACHER,
    OcrDistillationLoss,
    is_recogniser_file,
    load_ocr_teacher,
    recogniser_path,
)

PLATE_CHARACTERS = string.digits + string.ascii_uppercase
CHARACTERS_KEY = "character"  # PP-OCR recognisers list their classes (after blank) here


def recogniser_characters(path: Path) -> list[str]:
    """The classes after blank of a recogniser ONNX, from its metadata."""
    onnx = require("onnx", "train")
    metadata = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    if CHARACTERS_KEY not in metadata:
        raise PlateplugError(f"{path} lists no characters (metadata '{CHARACTERS_KEY}')")
    return metadata[CHARACTERS_KEY].split("\n")


def is_plate_text(text: str) -> bool:
    """Whether ``text`` can be a CTC target: A-Z0-9 only, at least one character."""
    return bool(text) and all(ch in PLATE_CHARACTERS for ch in text)


class PlateCtcLoss(nn.Module):
    """CTC between the recogniser's reading of SR (per-column probabilities, folded to blank
    + A-Z0-9) and the plate texts."""

    weight: float = 2e-3  # the probe's: its gradient on SR is of the order of the L1 term's

    def __init__(self, network: nn.Module, characters: Sequence[str]):
        super().__init__()
        missing = [c for c in PLATE_CHARACTERS if c not in characters]
        if missing:
            raise PlateplugError(f"the recogniser cannot read {''.join(missing)}")
        self.network = network
        first = {c: i for i, c in reversed(list(enumerate(characters)))}
        self.register_buffer("classes", torch.tensor([first[c] + 1 for c in PLATE_CHARACTERS]))

    @staticmethod
    def encode(texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Concatenated targets (1 + index in PLATE_CHARACTERS; 0 is blank) and lengths."""
        if not all(is_plate_text(t) for t in texts):
            raise PlateplugError("CTC targets must be A-Z0-9")
        targets = [PLATE_CHARACTERS.index(ch) + 1 for text in texts for ch in text]
        return torch.tensor(targets), torch.tensor([len(t) for t in texts])

    def log_probabilities(self, sr: torch.Tensor) -> torch.Tensor:
        """RGB N x 3 x H x W in 0..1 -> T x N x 37 log-probabilities (blank first)."""
        probs = self.network(OcrDistillationLoss.reader_input(sr.clamp(0, 1)))
        kept = probs[..., self.classes]
        blank = (1 - kept.sum(-1, keepdim=True)).clamp_min(1e-8)
        return torch.cat([blank, kept], -1).clamp_min(1e-8).log().transpose(0, 1)

    def forward(self, sr: torch.Tensor, texts: Sequence[str]) -> torch.Tensor:
        log_probs = self.log_probabilities(sr)
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
    return PlateCtcLoss(load_ocr_teacher(device, path), recogniser_characters(path)).to(device)
