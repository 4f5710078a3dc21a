"""The evaluation sets of ``plateplug bench-detector``, built from a data folder.

``dashcam``: the dashcam ``valid`` frames with their boxes. ``synthetic``: the same frames
with 1-3 held-out plate crops (``datasets.select(..., 'val')``: eu2 and 10% of br) pasted
on each, 15-200 px wide, by a fixed seed; its truths are the real and the pasted plates.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from plateplug.datasets import read_crops, select
from plateplug.detect.dashcam import read_frames
from plateplug.detect.synth import compose
from plateplug.errors import PlateplugError

Sample = tuple[str, np.ndarray, np.ndarray]
SYNTH_WIDTHS = (15.0, 200.0)


def dashcam_valid(data: Path) -> Iterator[Sample]:
    """(name, frame, boxes) for every dashcam valid frame."""
    for frame in read_frames(Path(data) / "dashcam", "valid"):
        yield frame.path.name, frame.read(), frame.box_array()


def synthetic_valid(data: Path, seed: int = 0) -> Iterator[Sample]:
    """Held-out plates pasted on the dashcam valid frames (deterministic for ``seed``)."""
    crops = select(read_crops(Path(data) / "plates"), "val")
    if not crops:
        raise PlateplugError(f"no validation plate crops in {Path(data) / 'plates'}")
    rng = np.random.default_rng(seed)
    for name, frame, boxes in dashcam_valid(data):
        picks = [crops[int(i)] for i in rng.integers(len(crops), size=int(rng.integers(1, 4)))]
        plates = [p for p in (cv2.imread(str(c.path), cv2.IMREAD_COLOR) for c in picks)
                  if p is not None]
        image, truth = compose(frame, plates, SYNTH_WIDTHS, rng, boxes)
        yield name, image, truth


SETS = {"dashcam": dashcam_valid, "synthetic": synthetic_valid}
