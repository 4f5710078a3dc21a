"""Realistic LR degradations of an HR plate patch (numpy/cv2, driven by one numpy Generator).

``degrade(hr, rng, profile)`` returns the LR image (4x smaller). A share of the samples are the
clean protocol shrink (INTER_AREA); the rest get a random mix of Gaussian blur at HR scale,
slight motion blur, another resampling kernel, Gaussian noise and JPEG. Named profiles:
``mixed`` (35% clean; blur sigma 0.2-2.5, noise sigma 0-8, JPEG 35-95, each with p=0.6),
``camera`` (20% clean; blur, noise and JPEG nearly always, as from a real ANPR camera: blur sigma
0.8-2.2, noise sigma 1-6, JPEG 40-85) and ``balanced`` (the recipes' default: half clean, so
sharp small input is as common as camera input; the other half camera-like: blur sigma 0.6-2.2,
noise sigma 1-6 and JPEG 40-90 each with p=0.85, motion blur p=0.15); ``clean`` is the
protocol's sharp shrink alone (a specialist for sharp small input).
``photometric`` changes brightness/gamma/contrast of the source (applied to both LR and HR,
so the model learns to keep the look, not to relight).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from plateplug.data.protocol import SCALE


@dataclass(frozen=True)
class Profile:
    """Probabilities and ranges of one degradation mix."""

    clean_share: float
    blur_p: float
    blur_sigma: tuple[float, float]
    noise_p: float
    noise_sigma: tuple[float, float]
    jpeg_p: float
    jpeg_quality: tuple[int, int]
    motion_p: float = 0.2


PROFILES = {
    "mixed": Profile(0.35, 0.6, (0.2, 2.5), 0.6, (0.0, 8.0), 0.6, (35, 95)),
    "camera": Profile(0.2, 0.9, (0.8, 2.2), 0.9, (1.0, 6.0), 0.9, (40, 85)),
    "balanced": Profile(0.5, 0.85, (0.6, 2.2), 0.85, (1.0, 6.0), 0.85, (40, 90), motion_p=0.15),
    "clean": Profile(1.0, 0.0, (0.0, 0.0), 0.0, (0.0, 0.0), 0.0, (90, 90), motion_p=0.0),
}
_INTERPOLATIONS = (cv2.INTER_AREA, cv2.INTER_AREA, cv2.INTER_LINEAR, cv2.INTER_CUBIC)


def shrink(hr: np.ndarray, interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    """Downscale ``hr`` by SCALE (the protocol's clean LR with INTER_AREA)."""
    h, w = hr.shape[:2]
    return cv2.resize(hr, (w // SCALE, h // SCALE), interpolation=interpolation)


def motion_kernel(length: int, angle: float) -> np.ndarray:
    """Normalised line kernel of ``length`` pixels at ``angle`` degrees."""
    size = length if length % 2 else length + 1
    kernel: np.ndarray = np.zeros((size, size), np.float32)
    kernel[size // 2, (size - length) // 2 : (size - length) // 2 + length] = 1.0
    rot = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(kernel, rot, (size, size))
    return kernel / max(float(kernel.sum()), 1e-6)


def photometric(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random low light / gamma / contrast change (p=0.3), else ``img`` unchanged."""
    if rng.random() >= 0.3:
        return img
    x = img.astype(np.float32) / 255.0
    x = x ** rng.uniform(0.7, 1.5)
    mean = float(x.mean())
    x = (x - mean) * rng.uniform(0.6, 1.05) + mean
    x = x * rng.uniform(0.35, 1.0)
    return np.clip(x * 255.0 + 0.5, 0, 255).astype(np.uint8)


def degrade(hr: np.ndarray, rng: np.random.Generator, profile: str = "mixed") -> np.ndarray:
    """LR version of ``hr`` (h and w divisible by SCALE): clean or randomly degraded."""
    if rng.random() < PROFILES[profile].clean_share:
        return shrink(hr)
    return camera(hr, rng, profile)


def camera(hr: np.ndarray, rng: np.random.Generator, profile: str = "balanced") -> np.ndarray:
    """The degraded LR of ``hr`` under ``profile`` (its share that is not the clean shrink):
    blur, motion blur, another resampling kernel, noise and JPEG, each drawn at random."""
    mix = PROFILES[profile]
    img = hr
    if rng.random() < mix.blur_p:
        sigma = rng.uniform(*mix.blur_sigma)
        img = cv2.GaussianBlur(img, (0, 0), sigmaX=sigma, sigmaY=sigma)
    if rng.random() < mix.motion_p:
        kernel = motion_kernel(int(rng.integers(3, 9)), float(rng.uniform(0, 180)))
        img = cv2.filter2D(img, -1, kernel, borderType=cv2.BORDER_REFLECT)
    lr = shrink(img, _INTERPOLATIONS[int(rng.integers(len(_INTERPOLATIONS)))])
    if rng.random() < mix.noise_p:
        sigma = rng.uniform(*mix.noise_sigma)
        shape = lr.shape[:2] + (1,) if rng.random() < 0.3 else lr.shape
        noisy = lr.astype(np.float32) + rng.normal(0.0, sigma, shape).astype(np.float32)
        lr = np.clip(noisy + 0.5, 0, 255).astype(np.uint8)
    if rng.random() < mix.jpeg_p:
        quality = int(rng.integers(mix.jpeg_quality[0], mix.jpeg_quality[1] + 1))
        ok, encoded = cv2.imencode(".jpg", lr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            lr = decoded
    return lr
