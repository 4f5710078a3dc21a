"""Plate-crop collections: read a folder or labels CSV, and the fixed validation split.

The validation split (written down in docs/models.md) holds out plates no model trains on:
all of ``eu2/`` (other countries, other cameras) and a fixed 10% of ``br/`` chosen by a
CRC32 of the file name.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from plateplug.data.frames import read_frames
from plateplug.errors import PlateplugError
from plateplug.jobs import list_images

PLATE_MARGIN = 0.15  # boxes are widened by this share of their height when cropped
SPLITS = ("train", "val", "all")


@dataclass(frozen=True)
class PlateCrop:
    """One plate image; ``key`` is its path relative to the collection root."""

    path: Path
    key: str
    text: str = ""
    country: str = ""


def read_crops(source: str | Path) -> list[PlateCrop]:
    """List the crops of a folder (labels from a ``labels.csv`` inside it) or of a CSV."""
    source = Path(source)
    if source.is_file() and source.suffix.lower() == ".csv":
        return _read_csv(source)
    if source.is_dir():
        labels = source / "labels.csv"
        if labels.is_file():
            return _read_csv(labels)
        return [PlateCrop(path=p, key=p.relative_to(source).as_posix())
                for p in list_images(source)]
    raise PlateplugError(f"{source} is neither a folder of images nor a labels .csv")


def _read_csv(path: Path) -> list[PlateCrop]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "path" not in reader.fieldnames:
            raise PlateplugError(f"{path} needs a 'path' column (path,text,...)")
        rows = list(reader)
    return [
        PlateCrop(
            path=path.parent / row["path"],
            key=row["path"],
            text=(row.get("text") or "").strip().upper(),
            country=(row.get("country") or "").strip(),
        )
        for row in rows
    ]


def margin_window(box: Sequence[float], width: int, height: int,
                  margin: float = PLATE_MARGIN) -> tuple[int, int, int, int]:
    """The pixels (x1, y1, x2, y2) of a ``width`` x ``height`` frame that ``crop_boxes`` cuts
    for ``box``: widened by ``margin`` of its height on every side, clipped to the frame."""
    x0, y0, x1, y1 = box
    m = margin * (y1 - y0)
    return (max(0, int(x0 - m)), max(0, int(y0 - m)),
            min(width, int(np.ceil(x1 + m))), min(height, int(np.ceil(y1 + m))))


def box_key(prefix: str, image: str, index: int) -> str:
    """The key of a plate box's crop: ``prefix/<image path>#<box index>``."""
    return f"{prefix}/{image}#{index}"


def crop_boxes(boxes_csv: Path, split: str, prefix: str, margin: float = PLATE_MARGIN,
               min_box_height: float = 0.0) -> list[tuple[str, np.ndarray]]:
    """(key, BGR crop) of every plate box of ``split`` in a ``boxes.csv`` at least
    ``min_box_height`` px high, widened by ``margin`` of its height on every side; keys are
    ``prefix/<image path>#<box index>``."""
    crops = []
    for frame in sorted(read_frames(boxes_csv, split), key=lambda f: f.path):
        boxes = [(i, b) for i, b in enumerate(frame.boxes) if b[3] - b[1] >= min_box_height]
        image = cv2.imread(str(frame.path), cv2.IMREAD_COLOR) if boxes else None
        if image is None:
            continue
        name = frame.path.relative_to(boxes_csv.parent).as_posix()
        fh, fw = image.shape[:2]
        for i, box in boxes:
            xa, ya, xb, yb = margin_window(box, fw, fh, margin)
            if xb - xa >= 8 and yb - ya >= 8:
                crops.append((box_key(prefix, name, i), image[ya:yb, xa:xb].copy()))
    return crops


def is_validation(key: str) -> bool:
    """True for crops in the fixed validation split (all eu2/, 10% of br/ by file name)."""
    if key.startswith("eu2/"):
        return True
    if key.startswith("br/"):
        return zlib.crc32(Path(key).name.encode()) % 10 == 0
    return False


def select(crops: Iterable[PlateCrop], split: str) -> list[PlateCrop]:
    """Keep the crops of ``split``: ``train``, ``val`` or ``all``."""
    if split not in SPLITS:
        raise PlateplugError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    if split == "all":
        return list(crops)
    want_val = split == "val"
    return [c for c in crops if is_validation(c.key) == want_val]
