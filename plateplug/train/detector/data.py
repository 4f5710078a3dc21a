"""Training samples for the plate detector: real frames with their boxes (dashcam ``train``
frames and ``train`` street/parking photos of the scenes set) and synthetic scenes (train-split
plate crops pasted on those frames and on random clutter). A frame may carry ``ignore`` boxes
(plates its labels miss, see ``unlabelled``: neither plate nor background in the loss) and
``negatives`` (text-like regions an earlier detector took for plates: crops are centred on
them now and then, so the network learns them as background).

Frames are kept in RAM with their long side at most ``STORE_SIDE``; a sample is a square crop
of a frame rescaled to its inference scale (the letterbox into ``INPUT_SIZE``) times a random
factor, so plates appear at the sizes the deployed model sees, in both of its passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch

from plateplug.data.boxes import iou
from plateplug.data.datasets import read_crops, select
from plateplug.data.frames import Frame
from plateplug.data.plate_render import procedural_plate
from plateplug.data.synth import compose, jitter_lighting, random_background, two_row_plate
from plateplug.errors import PlateplugError
from plateplug.train.archs.platenet_arch import INPUT_SIZE
from plateplug.train.detector.targets import care_map, encode

STORE_SIDE = 1024
MAX_UPSCALE = 1.0  # the letterbox never enlarges a frame
MAIN_JITTER = (0.6, 1.5)  # sample scale / inference scale, main pass (log-uniform)
SMALL_JITTER = (0.22, 0.6)  # the same around SCALES[1], the pass for very large plates
SMALL_SHARE = 0.2
PLATE_WIDTHS = (7.0, 150.0)  # pasted plate widths in sample pixels
MIN_VISIBLE = 0.6  # boxes cut by the crop keep at least this share of their area, else ignored
MIX = (0.5, 0.32, 0.18)  # real frame, frame + pasted plates, clutter + pasted plates
CENTRE_ON = (0.6, 0.2)  # crops centred on a plate, on a hard negative; else anywhere
PROCEDURAL_SHARE = 0.3  # pasted plates drawn in a made-up style instead of a real crop
TWO_ROW_SHARE = 0.35  # real crops restacked as two-row plates (two_row_plate)


@dataclass
class Scene:
    """A frame in RAM (long side at most STORE_SIDE) with its boxes, ignored boxes and hard
    negatives in the same pixels, and the scale that maps it to the model's input canvas."""

    image: np.ndarray
    boxes: np.ndarray
    ignore: np.ndarray
    negatives: np.ndarray
    inference_scale: float


def inference_scale(width: int, height: int) -> float:
    """The letterbox scale of a ``width`` x ``height`` frame into INPUT_SIZE."""
    return min(INPUT_SIZE[0] / width, INPUT_SIZE[1] / height, MAX_UPSCALE)


def load_scenes(frames: list[Frame], ignore: dict[Path, np.ndarray] | None = None,
                negatives: dict[Path, np.ndarray] | None = None) -> list[Scene]:
    """``frames`` in RAM; ``ignore`` and ``negatives`` map a frame path to boxes."""
    scenes = []
    empty = np.zeros((0, 4), np.float32)
    for frame in frames:
        image = frame.read()
        h, w = image.shape[:2]
        store = min(1.0, STORE_SIDE / max(h, w))
        small = image if store == 1 else cv2.resize(image, None, fx=store, fy=store,
                                                    interpolation=cv2.INTER_AREA)
        scenes.append(Scene(small, frame.box_array() * store,
                            (ignore or {}).get(frame.path, empty) * store,
                            (negatives or {}).get(frame.path, empty) * store,
                            inference_scale(w, h) / store))
    if not scenes:
        raise PlateplugError("no training frames")
    return scenes


def load_plate_images(plates: Path, split: str = "train") -> list[np.ndarray]:
    """The plate crops of ``split`` as BGR arrays."""
    read = [cv2.imread(str(c.path), cv2.IMREAD_COLOR) for c in select(read_crops(plates), split)]
    images = [i for i in read if i is not None]
    if not images:
        raise PlateplugError(f"no {split} plate crops in {plates}")
    return images


def random_interpolation(scale: float, rng: np.random.Generator) -> int:
    """Area or bilinear for a shrink (half each: inference shrinks frames bilinearly, the
    cheaper of the two), bilinear for an enlargement."""
    return cv2.INTER_AREA if scale < 1 and rng.random() < 0.5 else cv2.INTER_LINEAR


class SampleSource:
    """Draws (image, boxes) training samples of ``size`` x ``size`` pixels."""

    def __init__(self, scenes: list[Scene], plates: list[np.ndarray], size: int,
                 rng: np.random.Generator, weights: np.ndarray | None = None):
        """``weights``: how often each scene is drawn, relative to the others (default:
        all alike)."""
        self.scenes, self.plates, self.size, self.rng = scenes, plates, size, rng
        self.draw = None if weights is None else np.asarray(weights, float) / np.sum(weights)

    def _frame_crop(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng, size = self.rng, self.size
        count = len(self.scenes)
        index = rng.integers(count) if self.draw is None else rng.choice(count, p=self.draw)
        scene = self.scenes[int(index)]
        jitter = SMALL_JITTER if rng.random() < SMALL_SHARE else MAIN_JITTER
        scale = scene.inference_scale * float(np.exp(rng.uniform(*np.log(jitter))))
        image = cv2.resize(scene.image, None, fx=scale, fy=scale,
                           interpolation=random_interpolation(scale, rng))
        boxes, ignore, negatives = (b * scale for b in (scene.boxes, scene.ignore,
                                                        scene.negatives))
        h, w = image.shape[:2]
        if h < size or w < size:
            pad = np.full((max(h, size), max(w, size), 3), 114, np.uint8)
            pad[:h, :w] = image
            image, h, w = pad, pad.shape[0], pad.shape[1]
        pick, centres = rng.random(), None
        if pick < CENTRE_ON[0] and len(boxes):
            centres = boxes
        elif pick < sum(CENTRE_ON) and len(negatives):
            centres = negatives
        if centres is not None:
            x1, y1, x2, y2 = centres[int(rng.integers(len(centres)))]
            x = int(np.clip((x1 + x2) / 2 - rng.uniform(0.1, 0.9) * size, 0, w - size))
            y = int(np.clip((y1 + y2) / 2 - rng.uniform(0.1, 0.9) * size, 0, h - size))
        else:
            x, y = int(rng.integers(w - size + 1)), int(rng.integers(h - size + 1))
        kept = crop_boxes(boxes, x, y, size)
        touched = crop_boxes(boxes, x, y, size, min_visible=0.0)
        cut = touched[iou(touched, kept).max(axis=1) < 0.99] if len(kept) else touched
        return (image[y:y + size, x:x + size].copy(), kept,
                np.concatenate([crop_boxes(ignore, x, y, size, min_visible=0.0), cut]))

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
