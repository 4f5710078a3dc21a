"""The evaluation sets of ``plateplug bench-detector``, built from a data folder.

``dashcam``: the dashcam ``valid`` frames with their boxes. ``synthetic``: the same frames
with 1-3 held-out plate crops (``datasets.select(..., 'val')``: eu2 and 10% of br) pasted
on each, 15-200 px wide, by a fixed seed; its truths are the real and the pasted plates.
Every true box is tagged with its source (``dashcam`` or the crop's folder: ``eu2``, ``br``).
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


def dashcam_valid(data: Path) -> Iterator[Sample]:
    """Every dashcam valid frame with its boxes."""
    for frame in read_frames(Path(data) / "dashcam", "valid"):
        boxes = frame.box_array()
        yield Sample(frame.path.name, frame.read(), boxes, ("dashcam",) * len(boxes))


def synthetic_valid(data: Path, seed: int = 0) -> Iterator[Sample]:
    """Held-out plates pasted on the dashcam valid frames (deterministic for ``seed``)."""
    crops = select(read_crops(Path(data) / "plates"), "val")
    if not crops:
        raise PlateplugError(f"no validation plate crops in {Path(data) / 'plates'}")
    rng = np.random.default_rng(seed)
    for name, frame, boxes, sources in dashcam_valid(data):
        picks = [crops[int(i)] for i in rng.integers(len(crops), size=int(rng.integers(1, 4)))]
        image, truth = frame, boxes
        for crop in picks:
            plate = cv2.imread(str(crop.path), cv2.IMREAD_COLOR)
            if plate is not None:
                placed = len(truth)
                image, truth = compose(image, [plate], SYNTH_WIDTHS, rng, truth)
                sources += (crop.path.parent.name,) * (len(truth) - placed)
        yield Sample(name, image, truth, sources)


SETS = {"dashcam": dashcam_valid, "synthetic": synthetic_valid}
