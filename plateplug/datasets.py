"""Plate-crop collections: read a folder or labels CSV, and the fixed validation split.

The validation split (written down in docs/models.md) holds out plates no model trains on:
all of ``eu2/`` (other countries, other cameras) and a fixed 10% of ``br/`` chosen by a
CRC32 of the file name.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from plateplug.errors import PlateplugError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
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
        files = sorted(p for p in source.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        return [PlateCrop(path=p, key=p.relative_to(source).as_posix()) for p in files]
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
