"""Built-in plugin: RapidOCR readers (``ocr`` extra), the OCR of the benchmark protocol.

RapidOCR runs offline from the ONNX models inside its wheel. ``rapidocr`` uses its default
settings (text detection, then recognition: the configuration docs/benchmark.md was calibrated
with); when its detector finds no text at all, which happens on tightly cropped plates whose
characters touch the border (most of ``br/``), it recognises the whole crop as one line
instead. ``rapidocr-fast`` is the same pipeline made for plate crops: the text detector
runs at the crop's own scale (its shorter side enlarged to 96 px at least, not to 736) and
the angle classifier is left out, and when the lines it finds hold fewer than 4 plate
characters it also reads the whole crop and keeps the longer reading; about 20 times faster
on plate crops, and it reads at least as many (docs/plates.md). ``rapidocr-rec`` always
skips detection: faster still, but blind to two-row plates. Each engine is built once per
process; texts carry RapidOCR's confidence and their box's height (``ScoredText``).
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from typing import Any

import numpy as np

from plateplug import hookimpl
from plateplug.data.metrics import normalise_text
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
    """A RapidOCR 3.x engine with fixed settings on top of its defaults; the ``fallback``
    engine reads when the first finds no text, or, with ``min_chars``, fewer plate characters
    than that (its reading is then kept when it holds more)."""

    def __init__(self, name: str, description: str, params: tuple[tuple[str, Any], ...] = (),
                 fallback: tuple[tuple[str, Any], ...] | None = None,
                 min_chars: int | None = None):
        self.name = name
        self.description = description
        self.params = params
        self.fallback = fallback
        self.min_chars = min_chars

    def unavailable_reason(self) -> str | None:
        if importlib.util.find_spec("rapidocr") is None:
            return "rapidocr is not installed: install plateplug[ocr]"
        return None

    def load(self, device: str = "auto", threads: int | None = None) -> Reader:
        engines = [_engine(self.params)]
        if self.fallback is not None:
            engines.append(_engine(self.fallback))
        min_chars = self.min_chars

        def read(image: np.ndarray) -> list[str]:
            best: list[str] = []
            for engine in engines:
                result = engine(image)
                texts: list[str] = [
                    ScoredText(str(t), s, h) for t, s, h in
                    zip(result.txts or (), result.scores or (), _box_heights(result, image))
                    if t]
                if min_chars is None:  # any text box: the first engine that finds one reads
                    if texts:
                        return texts
                elif plate_chars(texts) > plate_chars(best):
                    best = texts
                    if plate_chars(best) >= min_chars:
                        break
            return best
        return read


def _box_heights(result: Any, image: np.ndarray) -> list[float]:
    """The height in pixels of each text box RapidOCR found; recognition alone (no detection)
    reads the whole image as one line, so its box is the image."""
    boxes = getattr(result, "boxes", None)
    if boxes is None:
        return [float(image.shape[0])] * len(result.txts or ())
    return [float(np.ptp(np.asarray(box, dtype=np.float64)[:, 1])) for box in boxes]


def plate_chars(texts: list[str]) -> int:
    """How many plate characters (A-Z, 0-9) ``texts`` hold together; an empty text box counts
    as nothing."""
    return len(normalise_text("".join(texts)))


@hookimpl
def register_readers(register):
    register(RapidOcrReader(
        "rapidocr", "RapidOCR default pipeline (the protocol's OCR); whole-crop recognition "
        "when it detects no text", fallback=RECOGNITION_ONLY))
    register(RapidOcrReader(
        "rapidocr-fast", "RapidOCR for plate crops: text detection at the crop's scale, no "
        "angle classifier (about 20x faster than rapidocr); whole-crop recognition when it "
        "detects no text or fewer than 4 characters", PLATE_SCALE, fallback=RECOGNITION_ONLY,
        min_chars=4))
    register(RapidOcrReader(
        "rapidocr-rec", "RapidOCR recognition only, whole image as one line (fast; one-row "
        "plates)", RECOGNITION_ONLY))
