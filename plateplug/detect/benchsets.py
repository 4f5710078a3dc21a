"""The evaluation sets of ``plateplug bench-detector``, built from a data folder.

``dashcam``: the dashcam ``valid`` frames with their boxes. ``synthetic``: the same frames
with 1-3 held-out plate crops (``datasets.select(..., 'val')``: eu2 and 10% of br) pasted
on each, 15-200 px wide, by a fixed seed; its truths are the real and the pasted plates.
Every true box is tagged with its source (``dashcam`` or the crop's folder: ``eu2``, ``br``).
The same recipe on the ``train`` frames and crops gives training code a set to tune on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from plateplug.datasets import read_crops, select
from plateplug.detect.dashcam import read_frames
from plateplug.detect.synth import compose
from plateplug.errors import PlateplugError

SYNTH_WIDTHS = (15.0, 200.0)


class Sample(NamedTuple):
    """A frame to evaluate on: its true boxes and the source of each."""

    name: str
    frame: np.ndarray
    boxes: np.ndarray
    sources: tuple[str, ...]


def dashcam_frames(data: Path, split: str = "valid") -> Iterator[Sample]:
    """Every dashcam frame of ``split`` with its boxes."""
    for frame in read_frames(Path(data) / "dashcam", split):
        boxes = frame.box_array()
        yield Sample(frame.path.name, frame.read(), boxes, ("dashcam",) * len(boxes))


def dashcam_valid(data: Path) -> Iterator[Sample]:
    """Every dashcam valid frame with its boxes."""
    return dashcam_frames(data, "valid")


def synthetic_scenes(data: Path, split: str, seed: int) -> Iterator[Sample]:
    """Plate crops of ``split`` (``valid`` frames get ``val`` crops, ``train`` frames
    ``train`` crops) pasted on the dashcam frames of that split (deterministic for ``seed``)."""
    crop_split = "val" if split == "valid" else "train"
    crops = select(read_crops(Path(data) / "plates"), crop_split)
    if not crops:
        raise PlateplugError(f"no {crop_split} plate crops in {Path(data) / 'plates'}")
    rng = np.random.default_rng(seed)
    for name, frame, boxes, sources in dashcam_frames(data, split):
        picks = [crops[int(i)] for i in rng.integers(len(crops), size=int(rng.integers(1, 4)))]
        image, truth = frame, boxes
        for crop in picks:
            plate = cv2.imread(str(crop.path), cv2.IMREAD_COLOR)
            if plate is not None:
                placed = len(truth)
                image, truth = compose(image, [plate], SYNTH_WIDTHS, rng, truth)
                sources += (crop.path.parent.name,) * (len(truth) - placed)
        yield Sample(name, image, truth, sources)


def synthetic_valid(data: Path, seed: int = 0) -> Iterator[Sample]:
    """Held-out plates pasted on the dashcam valid frames (deterministic for ``seed``)."""
    return synthetic_scenes(data, "valid", seed)


SETS = {"dashcam": dashcam_valid, "synthetic": synthetic_valid}
