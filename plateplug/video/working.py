"""Enhance plates at the model's working size: a crop taller than the height the model is
useful for (``plateplug.max_input_height`` in its ONNX metadata) is shrunk to that height
first. The cost of a model grows with the crop's area, and a 4x enlargement of an already
readable plate helps nobody."""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

from plateplug.enhancer import Enhancer
from plateplug.video.errors import VideoError

AUTO: Literal["auto"] = "auto"
FULL: Literal["full"] = "full"
HeightChoice = int | Literal["auto", "full"] | None


def declared_max_height(enhancer: Enhancer) -> int | None:
    """The ``max_input_height`` an enhancer's metadata declares (None: no limit, or no
    metadata, as for enhancers that are not ONNX files)."""
    metadata = getattr(enhancer, "metadata", None)
    return getattr(metadata, "max_input_height", None)


def resolve_max_height(choice: HeightChoice, enhancer: Enhancer) -> int | None:
    """The working height limit for ``choice``: ``"auto"`` the model's declared one,
    ``"full"`` or None no limit, a number that number of pixels."""
    if choice == AUTO:
        return declared_max_height(enhancer)
    if choice is None or choice == FULL:
        return None
    if isinstance(choice, bool) or not isinstance(choice, int) or choice < 1:
        raise VideoError(f"max_input_height must be 'auto', 'full' or a height in pixels "
                         f">= 1, got {choice!r}")
    return choice


def working_size(size: tuple[int, int], max_height: int | None) -> tuple[int, int]:
    """The ``(width, height)`` a crop of ``size`` is enhanced at: unchanged up to
    ``max_height``, else shrunk to that height keeping its aspect ratio."""
    w, h = size
    if max_height is None or h <= max_height:
        return w, h
    return max(1, round(w * max_height / h)), max_height


def to_working_size(crop: np.ndarray, max_height: int | None) -> np.ndarray:
    """``crop`` shrunk (INTER_AREA) to its working size; the crop itself when it fits."""
    size = working_size((crop.shape[1], crop.shape[0]), max_height)
    if size == (crop.shape[1], crop.shape[0]):
        return crop
    return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
