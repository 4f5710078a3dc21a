"""Plate readers (OCR) registered by plugins through the ``register_readers`` hook.

A reader is a callable ``reader(bgr_image) -> list[str]``: the text boxes it recognised.
Readers that know how sure they are return ``ScoredText`` items (``str`` with ``.score`` and,
when the reader knows it, ``.height``: the box's height in pixels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


def check_reader(name: str) -> str:
    """``name`` when a reader is registered so and can load; PlateplugError when none is,
    MissingExtraError (saying how to install it) when its dependencies are missing."""
    entry = plugins.lookup("reader", name)
    reason = entry.call("unavailable_reason")
    if reason:
        raise MissingExtraError(f"reader {name!r} is unavailable: {reason}")
    return name


def load_reader(name: str = DEFAULT_READER, threads: int | None = None) -> Reader:
    """Load the reader registered as ``name`` (on ``threads`` CPU threads where it can; None:
    its default); MissingExtraError says how to install it."""
    check_reader(name)
    entry = plugins.lookup("reader", name)
    reader: Reader = entry.call("load", threads=threads) if threads else entry.call("load")
    return reader


def read_all(reader: Reader, images: Sequence[np.ndarray]) -> list[list[str]]:
    """What ``reader`` reads in each of ``images``: all at once through its ``read_all``
    when it has one (a pool of processes, a cache of reads), else one image after another."""
    many = getattr(reader, "read_all", None)
    return many(images) if many is not None else [reader(image) for image in images]


def stored_text(text: str) -> str | list:
    """A text box as plain data (JSON, pickling): the string, or [text, score] and its height
    when known for a ``ScoredText``."""
    if not isinstance(text, ScoredText):
        return str(text)
    return [str(text), text.score] + ([] if text.height is None else [text.height])


def text_from_stored(item: str | list) -> str:
    """The text box ``stored_text`` gave as plain data."""
    if isinstance(item, str):
        return item
    text, score, *height = item
    return ScoredText(str(text), float(score), float(height[0]) if height else None)


__all__ = ["DEFAULT_READER", "PROTOCOL_READER", "Reader", "ReaderModel", "ScoredText",
           "check_reader", "load_reader", "read_all", "readers"]
