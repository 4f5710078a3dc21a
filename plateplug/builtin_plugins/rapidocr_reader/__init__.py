"""Built-in plugin: RapidOCR readers (``ocr`` extra), the OCR of the benchmark protocol.

RapidOCR runs offline from the ONNX models inside its wheel. ``rapidocr`` uses its default
settings (text detection, then recognition: the configuration BENCHMARK.md was calibrated
with); ``rapidocr-rec`` skips detection and recognises the whole image as one line, which
suits tight single-row plate crops and is much faster. Each engine is built once per process.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from typing import Any

import numpy as np

from plateplug import hookimpl
from plateplug.extras import require
from plateplug.readers import Reader, ReaderModel

QUIET = (("Global.log_level", "critical"),)
RECOGNITION_ONLY = (("Global.use_det", False), ("Global.use_cls", False))


@cache
def _engine(params: tuple[tuple[str, Any], ...]) -> Any:
    rapidocr = require("rapidocr", "ocr")
    engine = rapidocr.RapidOCR(params=dict(QUIET + params))
    logging.getLogger("RapidOCR").setLevel(logging.CRITICAL)
    return engine


class RapidOcrReader(ReaderModel):
    """A RapidOCR 3.x engine with fixed settings on top of its defaults."""

    def __init__(self, name: str, description: str, params: tuple[tuple[str, Any], ...] = ()):
        self.name = name
        self.description = description
        self.params = params

    def unavailable_reason(self) -> str | None:
        if importlib.util.find_spec("rapidocr") is None:
            return "rapidocr is not installed: install plateplug[ocr]"
        return None

    def load(self) -> Reader:
        engine = _engine(self.params)

        def read(image: np.ndarray) -> list[str]:
            return [str(t) for t in (getattr(engine(image), "txts", None) or ())]
        return read


@hookimpl
def register_readers(register):
    register(RapidOcrReader(
        "rapidocr", "RapidOCR default pipeline: detection + recognition (the protocol's OCR)"))
    register(RapidOcrReader(
        "rapidocr-rec", "RapidOCR recognition only, whole image as one line (fast; one-row "
        "plates)", RECOGNITION_ONLY))
