"""Plate readers (OCR) registered by plugins through the ``register_readers`` hook.

A reader is a callable ``reader(bgr_image) -> list[str]``: the text boxes it recognised.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np

from plateplug import plugins
from plateplug.errors import MissingExtraError

Reader = Callable[[np.ndarray], list[str]]
DEFAULT_READER = "rapidocr"


class ReaderModel(ABC):
    """What a plugin registers: a named OCR engine that can be described and loaded."""

    name: str
    description: str = ""

    def unavailable_reason(self) -> str | None:
        """Why ``load`` would fail (e.g. a missing extra), or None when it can load."""
        return None

    @abstractmethod
    def load(self) -> Reader:
        """Create the reader; raises MissingExtraError when its dependencies are missing."""


def load_reader(name: str = DEFAULT_READER) -> Reader:
    """Load the reader registered as ``name``; MissingExtraError says how to install it."""
    model: ReaderModel = plugins.lookup("reader", name).item
    reason = model.unavailable_reason()
    if reason:
        raise MissingExtraError(f"reader {name!r} is unavailable: {reason}")
    return model.load()


__all__ = ["DEFAULT_READER", "Reader", "ReaderModel", "load_reader"]
