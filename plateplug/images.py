"""Validate image arrays and convert between the layouts users pass (BGR, grey, BGRA)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from plateplug.errors import InvalidImageError


@dataclass(frozen=True)
class Layout:
    """How an input array was laid out, so the output can be given back the same way."""

    channels: int  # 0 = grey H x W, 1 = H x W x 1, 3 = BGR, 4 = BGRA


def to_bgr(image: Any, what: str = "image") -> tuple[np.ndarray, Layout]:
    """Check ``image`` and return it as contiguous H x W x 3 uint8 BGR plus its layout."""
    if not isinstance(image, np.ndarray):
        raise InvalidImageError(f"{what} must be a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise InvalidImageError(f"{what} must have dtype uint8, got {image.dtype}")
    if image.ndim not in (2, 3):
        raise InvalidImageError(
            f"{what} must be H x W (grey) or H x W x C, got shape {image.shape}"
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise InvalidImageError(f"{what} is empty (shape {image.shape})")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), Layout(0)
    channels = image.shape[2]
    if channels == 3:
        return np.ascontiguousarray(image), Layout(3)
    if channels == 1:
        return cv2.cvtColor(image[:, :, 0], cv2.COLOR_GRAY2BGR), Layout(1)
    if channels == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), Layout(4)
    raise InvalidImageError(f"{what} must have 1, 3 or 4 channels, got {channels}")


def from_bgr(enhanced: np.ndarray, layout: Layout, original: np.ndarray) -> np.ndarray:
    """Give ``enhanced`` (BGR) the layout of ``original``; alpha is enlarged with the image."""
    if layout.channels == 3:
        return enhanced
    if layout.channels in (0, 1):
        grey = cv2.cvtColor(enhanced, cv2.COLOR_BGR2GRAY)
        return grey if layout.channels == 0 else grey[:, :, None]
    h, w = enhanced.shape[:2]
    alpha = cv2.resize(original[:, :, 3], (w, h), interpolation=cv2.INTER_CUBIC)
    return np.dstack([enhanced, alpha])


def to_blob(images: Sequence[np.ndarray], mean: Sequence[float], std: Sequence[float],
            rgb: bool) -> np.ndarray:
    """Same-sized BGR uint8 images -> N x 3 x H x W float32 ``(value / 255 - mean) / std``,
    channels in RGB order when ``rgb`` (mean and std are in the model's channel order).

    One float32 buffer filled in place: on a detector canvas this is faster on one thread than
    ``cv2.dnn.blobFromImages``, which allocates temporaries.
    """
    h, w = images[0].shape[:2]
    blob = np.empty((len(images), 3, h, w), np.float32)
    for plane, image in zip(blob, images):
        chw = image.transpose(2, 0, 1)
        np.copyto(plane, chw[::-1] if rgb else chw, casting="unsafe")
    blob -= (255 * np.asarray(mean, np.float32)).reshape(1, 3, 1, 1)
    blob *= (1 / (255 * np.asarray(std, np.float32))).reshape(1, 3, 1, 1)
    return blob


def shrink_interpolation(scale: float) -> int:
    """How to resize an image by ``scale``: bilinear down to half size (several times
    cheaper than area averaging, and as good there), area averaging below (anti-aliasing),
    bilinear up."""
    return cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR
