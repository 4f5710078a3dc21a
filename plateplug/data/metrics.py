"""PSNR-Y, SSIM-Y (Wang et al. 2004), the OCR rule of the benchmark protocol and the plate's
own line of a reading (the label of crops judged by agreement with HR)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np

_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2
_NOT_PLATE_CHARS = re.compile(r"[^A-Z0-9]")
PLATE_LINE_RATIO = 0.7  # text boxes at least this part of the tallest's height are the plate's


def luma(img: np.ndarray) -> np.ndarray:
    """Y channel of a BGR uint8 image (OpenCV YCrCb) as float64 in 0..255."""
    if img.ndim == 2:
        return img.astype(np.float64)
    return cv2.cvtColor(img, cv2.COLOR_BGR2YCrCb)[..., 0].astype(np.float64)


def psnr_y(output: np.ndarray, reference: np.ndarray) -> float:
    """PSNR on the Y channel, whole image, no border crop."""
    mse = np.mean((luma(output) - luma(reference)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def ssim_y(output: np.ndarray, reference: np.ndarray) -> float:
    """SSIM on the Y channel: 11x11 Gaussian window, sigma 1.5, whole image."""
    x, y = luma(output), luma(reference)

    def blur(a: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(a, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x**2
    var_y = blur(y * y) - mu_y**2
    cov = blur(x * y) - mu_x * mu_y
    num = (2 * mu_x * mu_y + _C1) * (2 * cov + _C2)
    den = (mu_x**2 + mu_y**2 + _C1) * (var_x + var_y + _C2)
    return float(np.mean(num / den))


def normalise_text(text: str) -> str:
    """Upper-case and keep only A-Z0-9, as the OCR rule says."""
    return _NOT_PLATE_CHARS.sub("", text.upper())


def plate_line(texts: Sequence[str]) -> str:
    """The plate's own characters among a reader's text boxes, normalised: the boxes of
    ``plate_line_boxes`` joined in the reader's order."""
    return normalise_text("".join(plate_line_boxes(texts)))


def plate_line_boxes(texts: Sequence[str]) -> list[str]:
    """The text boxes at least PLATE_LINE_RATIO of the tallest box's height: a state name,
    slogan or dealer frame is smaller print than the registration. Every box counts when the
    reader gives no heights (``ScoredText.height``)."""
    heights = [getattr(t, "height", None) for t in texts]
    known = [h for h in heights if h is not None]
    if len(known) < len(heights):
        return list(texts)
    top = max(known, default=0.0)
    return [t for t, h in zip(texts, known) if h >= PLATE_LINE_RATIO * top]


def plate_read(label: str, recognised: list[str] | str) -> bool:
    """A plate counts as read when its label is a substring of all recognised text joined."""
    joined = recognised if isinstance(recognised, str) else "".join(recognised)
    want = normalise_text(label)
    return bool(want) and want in normalise_text(joined)
