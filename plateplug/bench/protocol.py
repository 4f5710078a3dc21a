"""LR/HR pairs exactly as the benchmark protocol builds them (clean and realistic tracks)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import cv2
import numpy as np

SCALE = 4
TRACKS = ("clean", "realistic")


@dataclass(frozen=True)
class Pair:
    """A reference ``hr`` and the ``lr`` input a method must enlarge 4x back to hr's size."""

    hr: np.ndarray
    lr: np.ndarray


def make_pair(orig: np.ndarray, lr_height: int, track: str = "clean", seed_name: str = "") -> Pair:
    """Build the protocol pair of a BGR crop for ``lr_height`` on ``track``.

    The realistic track is seeded by ``seed_name`` (the crop's file name), so it is fixed.
    """
    if track not in TRACKS:
        raise ValueError(f"unknown track {track!r}; use one of {', '.join(TRACKS)}")
    h, w = orig.shape[:2]
    w_lr = max(1, round(w * lr_height / h))
    hr = cv2.resize(orig, (SCALE * w_lr, SCALE * lr_height), interpolation=cv2.INTER_AREA)
    if track == "clean":
        lr = cv2.resize(hr, (w_lr, lr_height), interpolation=cv2.INTER_AREA)
        return Pair(hr=hr, lr=lr)
    rng = np.random.default_rng(zlib.crc32(seed_name.encode()))
    blurred = cv2.GaussianBlur(hr, (0, 0), sigmaX=1.5, sigmaY=1.5)
    small = cv2.resize(blurred, (w_lr, lr_height), interpolation=cv2.INTER_AREA)
    noisy = small.astype(np.float64) + rng.normal(0.0, 3.0, small.shape)
    noisy = np.clip(noisy, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 60])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    lr = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return Pair(hr=hr, lr=lr)
