"""Synthetic scenes: plate crops pasted with perspective, scale, blur, noise and lighting.

Used to train the detector on plate styles the dashcam frames lack and to evaluate it on
held-out plates. All randomness comes from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from plateplug.data.boxes import iou

GLYPHS = "ABCDEFGHKMNPRSTXYZ0123456789 "


def jitter_lighting(image: np.ndarray, rng: np.random.Generator, strength: float = 1.0
                    ) -> np.ndarray:
    """Random gain, offset, gamma and per-channel tint."""
    x = image.astype(np.float32) / 255
    gamma = np.exp(rng.normal(0, 0.25 * strength))
    x = np.power(np.clip(x, 0, 1), gamma)
    gain = np.exp(rng.normal(0, 0.3 * strength)) * np.exp(rng.normal(0, 0.05 * strength, 3))
    x = x * gain + rng.normal(0, 0.06 * strength)
    return np.clip(x * 255 + 0.5, 0, 255).astype(np.uint8)


def degrade(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random Gaussian or motion blur and sensor noise."""
    out = image
    kind = rng.integers(3)
    if kind == 1:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 1.6))
    elif kind == 2:
        k = int(rng.integers(3, 8))
        kernel: np.ndarray = np.zeros((k, k), np.float32)
        kernel[k // 2] = 1
        rot = cv2.getRotationMatrix2D(((k - 1) / 2, (k - 1) / 2), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, rot, (k, k))
        out = cv2.filter2D(out, -1, kernel / max(kernel.sum(), 1e-6))
    sigma = rng.uniform(0, 10)
    noisy = out.astype(np.float32) + rng.normal(0, sigma, out.shape).astype(np.float32)
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


def random_background(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Clutter without plates: a colour gradient with rectangles, lines and glyph-like text."""
    base = rng.uniform(0, 255, (2, 2, 3)).astype(np.float32)
    image = cv2.resize(base, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.uint8)
    for _ in range(int(rng.integers(5, 30))):
        colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
        x, y = int(rng.integers(width)), int(rng.integers(height))
        shape = rng.integers(3)
        if shape == 0:
            w, h = int(rng.integers(5, width // 2)), int(rng.integers(5, height // 2))
            cv2.rectangle(image, (x, y), (x + w, y + h), colour, -1 if rng.random() < 0.6 else 2)
        elif shape == 1:
            end = (int(rng.integers(width)), int(rng.integers(height)))
            cv2.line(image, (x, y), end, colour, int(rng.integers(1, 6)))
        else:
            text = "".join(rng.choice(list(GLYPHS), int(rng.integers(2, 9))))
            cv2.putText(image, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.3, 2.0),
                        colour, int(rng.integers(1, 4)))
    return cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.5))


def two_row_plate(plate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A two-row plate (aspect 1-1.8) made from a one-row crop: its left part stacked on its
    right part, split near the middle. Real two-row plates (EU squares, motorcycles) keep
    the look of real glyphs, paint and wear this way."""
    h, w = plate.shape[:2]
    cut = int(w * rng.uniform(0.4, 0.6))
    left, right = plate[:, :cut], plate[:, cut:]
    half = max(left.shape[1], right.shape[1], 1)
    stacked = np.vstack([cv2.resize(left, (half, h), interpolation=cv2.INTER_AREA),
                         cv2.resize(right, (half, h), interpolation=cv2.INTER_AREA)])
    width = max(2, round(2 * h * rng.uniform(1.0, 1.8)))
    return cv2.resize(stacked, (width, 2 * h), interpolation=cv2.INTER_AREA)


def paste_plate(scene: np.ndarray, plate: np.ndarray, width: float, rng: np.random.Generator,
                avoid: np.ndarray) -> tuple[float, float, float, float] | None:
    """Warp ``plate`` to about ``width`` pixels into ``scene`` (in place) away from ``avoid``
    boxes; return its box, or None when it found no free spot."""
    sh, sw = scene.shape[:2]
    ph, pw = plate.shape[:2]
    height = width * ph / pw * np.exp(rng.normal(0, 0.1))
    corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    angle = np.deg2rad(rng.normal(0, 5))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]]) @ rot.T
    target = target + rng.normal(0, 0.06, (4, 2)) * np.array([width, height])
    target -= target.min(axis=0)
    bw, bh = target.max(axis=0)
    if bw >= sw - 2 or bh >= sh - 2 or bw < 4 or bh < 2:
        return None
    for _ in range(10):
        x, y = rng.uniform(0, sw - bw - 1), rng.uniform(0, sh - bh - 1)
        box = (float(x), float(y), float(x + bw), float(y + bh))
        if len(avoid) == 0 or iou(np.array([box]), avoid).max() == 0:
            break
    else:
        return None
    x0, y0 = int(x), int(y)
    x1, y1 = min(sw, int(np.ceil(x + bw)) + 1), min(sh, int(np.ceil(y + bh)) + 1)
    quad = (target + [x - x0, y - y0]).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(corners, quad)
    size = (x1 - x0, y1 - y0)
    styled = degrade(jitter_lighting(plate, rng, 0.7), rng)
    warped = cv2.warpPerspective(styled, matrix, size, flags=cv2.INTER_AREA).astype(np.float32)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, size)
    alpha = cv2.GaussianBlur(mask, (3, 3), 0).astype(np.float32)[..., None] / 255
    roi = scene[y0:y1, x0:x1].astype(np.float32)
    scene[y0:y1, x0:x1] = (roi * (1 - alpha) + warped * alpha + 0.5).astype(np.uint8)
    return box


def compose(scene: np.ndarray, plates: Sequence[np.ndarray], widths: tuple[float, float],
            rng: np.random.Generator, existing: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Paste ``plates`` (log-uniform widths in ``widths``) on a copy of ``scene``; return the
    image and all its boxes (``existing`` ones first)."""
    image = scene.copy()
    boxes = np.zeros((0, 4), np.float32) if existing is None else existing.reshape(-1, 4)
    for plate in plates:
        width = float(np.exp(rng.uniform(np.log(widths[0]), np.log(widths[1]))))
        box = paste_plate(image, plate, width, rng, boxes)
        if box is not None:
            boxes = np.vstack([boxes, np.array([box], np.float32)])
    return image, boxes.astype(np.float32)
