"""Built-in plugin: RapidOCR readers (``ocr`` extra), the OCR of the benchmark protocol.

RapidOCR runs offline from the ONNX models inside its wheel. ``rapidocr`` uses its default
settings (text detection, then recognition: the configuration docs/benchmark.md was calibrated
with); when its detector finds no text at all, which happens on tightly cropped plates whose
characters touch the border (most of ``br/``), it recognises the whole crop as one line
instead. ``rapidocr-fast`` is the same pipeline made for plate crops: the text detector
runs at the crop's own scale (its shorter side enlarged to 96 px at least, not to 736) and
the angle classifier is left out; about 20 times faster on plate crops, and it reads at
least as many (docs/plates.md). ``rapidocr-rec`` always skips detection: faster still, but
blind to two-row plates. Each engine is built once per process; texts carry RapidOCR's
confidence (``ScoredText``).
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from typing import Any

import numpy as np

from plateplug import hookimpl
from plateplug.extras import require
from plateplug.readers import Reader, ReaderModel, ScoredText

QUIET = (("Global.log_level", "critical"),)
RECOGNITION_ONLY = (("Global.use_det", False), ("Global.use_cls", False))
PLATE_SCALE = (("Det.limit_side_len", 96), ("Global.use_cls", False))


@cache
def _engine(params: tuple[tuple[str, Any], ...]) -> Any:
    rapidocr = require("rapidocr", "ocr")
    engine = rapidocr.RapidOCR(params=dict(QUIET + params))
    logging.getLogger("RapidOCR").setLevel(logging.CRITICAL)
    return engine


class RapidOcrReader(ReaderModel):
    """A RapidOCR 3.x engine with fixed settings on top of its defaults."""

    def __init__(self, name: str, description: str, params: tuple[tuple[str, Any], ...] = (),
                 fallback: tuple[tuple[str, Any], ...] | None = None):
        self.name = name
        self.description = description
        self.params = params
        self.fallback = fallback

    def unavailable_reason(self) -> str | None:
        if importlib.util.find_spec("rapidocr") is None:
            return "rapidocr is not installed: install plateplug[ocr]"
        return None

    def load(self, device: str = "auto", threads: int | None = None) -> Reader:
        engines = [_engine(self.params)]
        if self.fallback is not None:
            engines.append(_engine(self.fallback))

        def read(image: np.ndarray) -> list[str]:
            for engine in engines:
                result = engine(image)
                texts: list[str] = [ScoredText(str(t), s) for t, s in
                         zip(result.txts or (), result.scores or ()) if t]
                if texts:
                    return texts
            return []
        return read


@hookimpl
def register_readers(register):
    register(RapidOcrReader(
        "rapidocr", "RapidOCR default pipeline (the protocol's OCR); whole-crop recognition "
        "when it detects no text", fallback=RECOGNITION_ONLY))
    register(RapidOcrReader(
        "rapidocr-fast", "RapidOCR for plate crops: text detection at the crop's scale, no "
        "angle classifier (about 20x faster than rapidocr); whole-crop recognition when it "
        "detects no text", PLATE_SCALE, fallback=RECOGNITION_ONLY))
    register(RapidOcrReader(
        "rapidocr-rec", "RapidOCR recognition only, whole image as one line (fast; one-row "
        "plates)", RECOGNITION_ONLY))
