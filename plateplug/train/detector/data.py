"""Training samples for the plate detector: dashcam ``train`` frames (real boxes) and
synthetic scenes (train-split plate crops pasted on those frames and on random clutter).
A frame may carry ``ignore`` boxes (plates its labels miss, see ``unlabelled``): the
heatmap loss treats them as neither plate nor background.

Frames are kept in RAM at ``STORE_SCALE`` of their size; a sample is a square crop of a
frame rescaled by a random factor around the inference scale, so plates appear at the
sizes the deployed model sees (about 7 to 110 px wide).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch

from plateplug.datasets import read_crops, select
from plateplug.detect.dashcam import read_frames
from plateplug.detect.synth import (
    compose,
    jitter_lighting,
    procedural_plate,
    random_background,
    two_row_plate,
)
from plateplug.errors import PlateplugError
from plateplug.train.detector.targets import care_map, encode

STORE_SCALE = 0.8
SCALES = (0.3, 0.8)  # frame scale in a sample, relative to the original frame
PLATE_WIDTHS = (7.0, 110.0)  # pasted plate widths in sample pixels
MIN_VISIBLE = 0.6  # boxes cut by the crop keep at least this share of their area
MIX = (0.45, 0.35, 0.20)  # real frame, frame + pasted plates, clutter + pasted plates
PROCEDURAL_SHARE = 0.3  # pasted plates drawn in a made-up style instead of a real crop
TWO_ROW_SHARE = 0.35  # real crops restacked as two-row plates (two_row_plate)


@dataclass
class Scene:
    """A frame in RAM at STORE_SCALE with its boxes and ignored boxes in the same pixels."""

    image: np.ndarray
    boxes: np.ndarray
    ignore: np.ndarray


def load_scenes(dashcam: Path, split: str = "train",
                ignore: dict[Path, np.ndarray] | None = None) -> list[Scene]:
    """The dashcam frames of ``split`` at STORE_SCALE; ``ignore`` maps a frame path to
    boxes the loss leaves out."""
    scenes = []
    for frame in read_frames(dashcam, split):
        image = frame.read()
        small = cv2.resize(image, None, fx=STORE_SCALE, fy=STORE_SCALE,
                           interpolation=cv2.INTER_AREA)
        skipped = (ignore or {}).get(frame.path, np.zeros((0, 4), np.float32))
        scenes.append(Scene(small, frame.box_array() * STORE_SCALE, skipped * STORE_SCALE))
    if not scenes:
        raise PlateplugError(f"no {split} frames in {dashcam}")
    return scenes


def load_plate_images(plates: Path, split: str = "train") -> list[np.ndarray]:
    """The plate crops of ``split`` as BGR arrays."""
    images = [cv2.imread(str(c.path), cv2.IMREAD_COLOR) for c in select(read_crops(plates), split)]
    images = [i for i in images if i is not None]
    if not images:
        raise PlateplugError(f"no {split} plate crops in {plates}")
    return images


class SampleSource:
    """Draws (image, boxes) training samples of ``size`` x ``size`` pixels."""

    def __init__(self, scenes: list[Scene], plates: list[np.ndarray], size: int,
                 rng: np.random.Generator):
        self.scenes, self.plates, self.size, self.rng = scenes, plates, size, rng

    def _frame_crop(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng, size = self.rng, self.size
        scene = self.scenes[int(rng.integers(len(self.scenes)))]
        scale = rng.uniform(*SCALES) / STORE_SCALE
        image = cv2.resize(scene.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        boxes, ignore = scene.boxes * scale, scene.ignore * scale
        h, w = image.shape[:2]
        if h < size or w < size:
            pad = np.zeros((max(h, size), max(w, size), 3), np.uint8)
            pad[:h, :w] = image
            image, h, w = pad, pad.shape[0], pad.shape[1]
        if len(boxes) and rng.random() < 0.7:
            x1, y1, x2, y2 = boxes[int(rng.integers(len(boxes)))]
            x = int(np.clip((x1 + x2) / 2 - rng.uniform(0.1, 0.9) * size, 0, w - size))
            y = int(np.clip((y1 + y2) / 2 - rng.uniform(0.1, 0.9) * size, 0, h - size))
        else:
            x, y = int(rng.integers(w - size + 1)), int(rng.integers(h - size + 1))
        return (image[y:y + size, x:x + size].copy(), crop_boxes(boxes, x, y, size),
                crop_boxes(ignore, x, y, size, min_visible=0.0))

    def sample(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One sample: real frame crop, frame crop with pasted plates, or pasted clutter;
        returns the image, its plate boxes and its ignored boxes."""
        rng = self.rng
        kind = rng.choice(3, p=MIX)
        ignore = np.zeros((0, 4), np.float32)
        if kind == 2:
            image, boxes = random_background(self.size, self.size, rng), None
        else:
            image, boxes, ignore = self._frame_crop()
        if kind > 0:
            count = int(rng.integers(0 if kind == 2 else 1, 4))
            picks = [self._plate() for _ in range(count)]
            image, boxes = compose(image, picks, PLATE_WIDTHS, rng, boxes)
        if rng.random() < 0.5:
            image = jitter_lighting(image, rng, 0.6)
        return image, np.zeros((0, 4), np.float32) if boxes is None else boxes, ignore

    def _plate(self) -> np.ndarray:
        """A plate to paste: made up, a real crop, or a real crop restacked in two rows."""
        rng = self.rng
        if rng.random() < PROCEDURAL_SHARE:
            return procedural_plate(rng)
        plate = self.plates[int(rng.integers(len(self.plates)))]
        return two_row_plate(plate, rng) if rng.random() < TWO_ROW_SHARE else plate

    def batch(self, n: int, stride: int) -> dict[str, torch.Tensor]:
        """A training batch: uint8 images N x S x S x 3 and the encoded target maps."""
        images, heats, regs, masks, cares = [], [], [], [], []
        for _ in range(n):
            image, boxes, ignore = self.sample()
            heat, reg, mask = encode(boxes, self.size, self.size, stride)
            images.append(image)
            heats.append(heat)
            regs.append(reg)
            masks.append(mask)
            cares.append(care_map(ignore, self.size, self.size, stride))
        return {"image": torch.from_numpy(np.stack(images)),
                "heat": torch.from_numpy(np.stack(heats)),
                "reg": torch.from_numpy(np.stack(regs)),
                "mask": torch.from_numpy(np.stack(masks)),
                "care": torch.from_numpy(np.stack(cares))}


def crop_boxes(boxes: np.ndarray, x: int, y: int, size: int,
               min_visible: float = MIN_VISIBLE) -> np.ndarray:
    """Boxes moved into a crop at (x, y); those with less than ``min_visible`` of their
    area inside it (or none) are dropped."""
    if len(boxes) == 0:
        return np.zeros((0, 4), np.float32)
    moved = boxes - np.array([x, y, x, y], np.float32)
    clipped = np.clip(moved, 0, size)
    area = (moved[:, 2] - moved[:, 0]) * (moved[:, 3] - moved[:, 1])
    kept = (clipped[:, 2] - clipped[:, 0]) * (clipped[:, 3] - clipped[:, 1])
    keep = (kept > 0) & (kept >= min_visible * np.maximum(area, 1e-6))
    return clipped[keep].astype(np.float32)
