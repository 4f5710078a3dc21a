"""Plate crops in RAM from every training source.

Sources: a plates folder or labels CSV (``plateplug.data.datasets``), a dashcam folder with
``boxes.csv`` (only ``train`` rows, cropped with a margin), or a folder holding both
(``plates/`` and ``dashcam/``, like ../shared/data); also the ``train`` boxes of the scenes
set (``load_scenes``) and rendered plates of made-up styles (``synthetic_crops``). Validation
crops (``is_validation``, the scenes ``valid`` split) are never used for training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from plateplug.data.datasets import PLATE_MARGIN, crop_boxes, read_crops, select
from plateplug.data.fonts import FontSet, glyph_fonts
from plateplug.data.plate_render import TextLine, render_plate
from plateplug.errors import PlateplugError

SCENES_MIN_BOX = 40  # scenes boxes lower than this are left out (crop ~52 px with the margin)
SCENES_KEY = "scenes"  # the first part of every scenes crop's key


@dataclass
class Crop:
    """A BGR crop preloaded in RAM with its collection key, plate text and, where known
    (rendered plates), its rows of characters."""

    image: np.ndarray
    key: str
    text: str = ""
    lines: tuple[TextLine, ...] = ()


def _imread(path: Path) -> np.ndarray | None:
    return cv2.imread(str(path), cv2.IMREAD_COLOR)


def load_plates(source: Path, split: str) -> list[Crop]:
    """Crops of a plates folder / labels CSV in ``split`` (train, val or all)."""
    crops = []
    for item in select(read_crops(source), split):
        image = _imread(item.path)
        if image is not None:
            crops.append(Crop(image, item.key, item.text))
    return crops


def load_dashcam(boxes_csv: Path, margin: float = PLATE_MARGIN) -> list[Crop]:
    """Plate crops of the dashcam frames' ``train`` boxes, widened by ``margin`` of the box
    height on every side."""
    return [Crop(image, key) for key, image in crop_boxes(boxes_csv, "train", "dashcam", margin)]


def is_scenes(crop: Crop) -> bool:
    """Whether ``crop`` is a scenes crop (``load_scenes``)."""
    return crop.key.startswith(f"{SCENES_KEY}/")


def load_scenes(folder: Path, texts: Mapping[str, str] | None = None) -> list[Crop]:
    """Plate crops of the scenes set's ``train`` boxes at least SCENES_MIN_BOX px high (the
    ``valid`` split is the bench's scenes source), with the usual margin; their text from
    ``texts`` (crop key -> text), else none."""
    boxes = folder / "boxes.csv"
    if not boxes.is_file():
        raise PlateplugError(f"no boxes.csv in the scenes folder {folder}")
    texts = texts or {}
    return [Crop(image, key, texts.get(key, ""))
            for key, image in crop_boxes(boxes, "train", SCENES_KEY,
                                         min_box_height=SCENES_MIN_BOX)]


def synthetic_crops(count: int, seed: int, rows: int | None = None,
                    fonts: FontSet = "hershey") -> list[Crop]:
    """``count`` rendered plates of made-up styles with their text (``plate_render``; one
    or two rows, or ``rows``; characters in the font set ``fonts``), the same for a given
    seed and font set."""
    rng = np.random.default_rng([seed, 0x5E7] if rows is None else [seed, 0x5E7, rows])
    glyphs = glyph_fonts(fonts)
    plates = (render_plate(rng, rows=rows, fonts=glyphs) for _ in range(count))
    return [Crop(p.image, f"synth/{i:05d}", p.text, p.lines) for i, p in enumerate(plates)]


def load_sources(sources: Sequence[str | Path], split: str = "train") -> list[Crop]:
    """Load every source (see module doc) and keep the crops of ``split``."""
    crops: list[Crop] = []
    for source in map(Path, sources):
        if source.is_dir() and (source / "plates").is_dir():
            crops += load_plates(source / "plates", split)
            if (source / "dashcam" / "boxes.csv").is_file() and split == "train":
                crops += load_dashcam(source / "dashcam" / "boxes.csv")
        elif source.name == "boxes.csv" or (source / "boxes.csv").is_file():
            if split == "train":
                crops += load_dashcam(source if source.is_file() else source / "boxes.csv")
        elif source.exists():
            crops += load_plates(source, split)
        else:
            raise PlateplugError(f"training data {source} does not exist")
    return crops
