"""LR/HR pairs and multi-frame bursts exactly as the benchmark protocol builds them (clean
and realistic tracks)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from plateplug.align import shift_image

SCALE = 4
TRACKS = ("clean", "realistic")
BURST_FRAMES = 5


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
    return Pair(hr=hr, lr=realistic(hr, w_lr, lr_height, rng))


def realistic(hr: np.ndarray, w_lr: int, lr_height: int, rng: np.random.Generator) -> np.ndarray:
    """The realistic track's LR of ``hr``: blur sigma 1.5, INTER_AREA to ``w_lr x lr_height``,
    Gaussian noise sigma 3 drawn from ``rng`` (clipped, uint8), JPEG quality 60."""
    blurred = cv2.GaussianBlur(hr, (0, 0), sigmaX=1.5, sigmaY=1.5)
    small = cv2.resize(blurred, (w_lr, lr_height), interpolation=cv2.INTER_AREA)
    noisy = small.astype(np.float64) + rng.normal(0.0, 3.0, small.shape)
    noisy = np.clip(noisy, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 60])
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR) if ok else None
    if decoded is None:
        raise RuntimeError("JPEG round trip failed")
    return decoded


@dataclass(frozen=True)
class Burst:
    """A reference ``hr`` and ``frames``: K realistic LR views of it, frame 0 aligned with
    ``hr``, the others shifted by up to 2 HR pixels each way."""

    hr: np.ndarray
    frames: list[np.ndarray]


def make_burst(orig: np.ndarray, lr_height: int, frames: int = BURST_FRAMES,
               seed_name: str = "") -> Burst:
    """The protocol burst of a BGR crop: frame k is seeded by ``f"{seed_name}:{k}"``."""
    if frames < 1:
        raise ValueError(f"a burst needs at least 1 frame, got {frames}")
    hr = make_pair(orig, lr_height).hr
    w_lr = hr.shape[1] // SCALE
    views = []
    for k in range(frames):
        rng = np.random.default_rng(zlib.crc32(f"{seed_name}:{k}".encode()))
        shifted = shift_image(hr, *rng.uniform(-2, 2, 2)) if k else hr
        views.append(realistic(shifted, w_lr, lr_height, rng))
    return Burst(hr=hr, frames=views)
