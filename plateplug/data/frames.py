"""Frames with plate boxes: read a ``boxes.csv`` (image,split,xmin,ymin,xmax,ymax and an
optional ``source`` column naming where each image comes from)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from plateplug.errors import PlateplugError

COLUMNS = ("image", "split", "xmin", "ymin", "xmax", "ymax")


@dataclass(frozen=True)
class Frame:
    """One frame file, its split, its plate boxes (x1, y1, x2, y2; none = no plates) and its
    source ('' when the CSV has no ``source`` column)."""

    path: Path
    split: str
    boxes: tuple[tuple[float, float, float, float], ...]
    source: str = ""

    def box_array(self) -> np.ndarray:
        return np.array(self.boxes, np.float32).reshape(-1, 4)

    def read(self) -> np.ndarray:
        image = cv2.imread(str(self.path), cv2.IMREAD_COLOR)
        if image is None:
            raise PlateplugError(f"cannot read frame {self.path}")
        return image


def read_frames(source: str | Path, split: str | None = None) -> list[Frame]:
    """Frames of a ``boxes.csv`` or a folder holding one; keep only ``split`` when given.

    A row with an empty box is a frame without plates. Image paths are relative to the CSV.
    """
    path = Path(source)
    if path.is_dir():
        path = path / "boxes.csv"
    if not path.is_file():
        raise PlateplugError(f"no boxes.csv at {path}")
    frames: dict[str, tuple[str, str, list[tuple[float, float, float, float]]]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not set(COLUMNS) <= set(reader.fieldnames):
            raise PlateplugError(f"{path} needs the columns {','.join(COLUMNS)}")
        for row in reader:
            entry = frames.setdefault(row["image"], (row["split"], row.get("source") or "", []))
            if row["xmin"]:
                try:
                    entry[2].append(tuple(float(row[k]) for k in COLUMNS[2:]))  # type: ignore[arg-type]
                except ValueError as exc:
                    raise PlateplugError(f"{path}: bad box for {row['image']}: {exc}") from exc
    return [Frame(path.parent / name, s, tuple(boxes), source)
            for name, (s, source, boxes) in frames.items() if split is None or s == split]
