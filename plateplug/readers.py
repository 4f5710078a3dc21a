"""Plate readers (OCR) registered by plugins through the ``register_readers`` hook.

A reader is a callable ``reader(bgr_image) -> list[str]``: the text boxes it recognised.
Readers that know how sure they are return ``ScoredText`` items (``str`` with ``.score`` and,
when the reader knows it, ``.height``: the box's height in pixels).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from plateplug import plugins
from plateplug.errors import MissingExtraError
from plateplug.models import PluginModel

Reader = Callable[[np.ndarray], list[str]]
DEFAULT_READER = "rapidocr-fast"  # what reads plates (plates, read, Pipeline)
PROTOCOL_READER = "rapidocr"  # what the benchmarks measure with (docs/benchmark.md)


class ScoredText(str):
    """A recognised text box that carries the reader's confidence in [0, 1] as ``.score`` and
    its height in pixels of the image read as ``.height`` (None when the reader does not say):
    the plate's characters are its tallest text (``metrics.plate_line``)."""

    score: float
    height: float | None

    def __new__(cls, text: str, score: float, height: float | None = None) -> ScoredText:
        item = super().__new__(cls, text)
        item.score = float(score)
        item.height = None if height is None else float(height)
        return item


class ReaderModel(PluginModel[Reader]):
    """What a reader plugin registers: ``load()`` returns a Reader (raising MissingExtraError
    when its dependencies are missing); ``load_reader`` calls it without arguments."""

    noun = "reader"


def readers() -> dict[str, plugins.Registered[ReaderModel]]:
    """Name -> registered reader model (with the plugin that registered it)."""
    return plugins.registry("reader")


def load_reader(name: str = DEFAULT_READER) -> Reader:
    """Load the reader registered as ``name``; MissingExtraError says how to install it."""
    entry = plugins.lookup("reader", name)
    reason = entry.call("unavailable_reason")
    if reason:
        raise MissingExtraError(f"reader {name!r} is unavailable: {reason}")
    reader: Reader = entry.call("load")
    return reader


__all__ = ["DEFAULT_READER", "PROTOCOL_READER", "Reader", "ReaderModel", "ScoredText",
           "load_reader", "readers"]
