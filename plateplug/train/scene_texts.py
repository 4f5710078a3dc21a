"""Plate texts for the scenes crops, which come without labels: what a reader sees in each
crop at the size of a bench HR reference, kept only where the reader is sure and the text
looks like a registration. They let the CTC loss train on plate styles the labelled folders
lack (``plateplug train --scenes-texts``)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

import cv2
import numpy as np

from plateplug.data.crops import Crop
from plateplug.data.metrics import normalise_text, plate_line_boxes
from plateplug.errors import PlateplugError
from plateplug.imageio import atomic_path
from plateplug.readers import Reader

HR_HEIGHT = 64  # a 16 px LR height's x4 reference, the height the bench reads HR crops at
TEXT_LENGTHS = (4, 10)  # plate characters a kept text has (inclusive)
MIN_SCORE = 0.9  # the reader's confidence a kept text needs


def read_crop(reader: Reader, image: np.ndarray, height: int = HR_HEIGHT) -> tuple[str, float]:
    """The plate characters ``reader`` sees in ``image`` resized to ``height`` (aspect kept,
    area averaging): its plate line (``metrics.plate_line_boxes``, the bench's label of a
    scenes crop), and its lowest confidence over those text boxes (0 when it has none)."""
    width = max(1, round(image.shape[1] * height / image.shape[0]))
    boxes = plate_line_boxes(reader(cv2.resize(image, (width, height),
                                               interpolation=cv2.INTER_AREA)))
    scores = [float(getattr(t, "score", 0.0)) for t in boxes]
    return normalise_text("".join(boxes)), min(scores, default=0.0)


def label_crops(crops: Iterable[Crop], reader: Reader, min_score: float = MIN_SCORE
                ) -> dict[str, str]:
    """Crop key -> text for the crops whose reading holds TEXT_LENGTHS plate characters at a
    confidence of at least ``min_score``."""
    texts = {}
    for crop in crops:
        text, score = read_crop(reader, crop.image)
        if TEXT_LENGTHS[0] <= len(text) <= TEXT_LENGTHS[1] and score >= min_score:
            texts[crop.key] = text
    return texts


def write_texts(path: Path, texts: Mapping[str, str]) -> None:
    """Write ``key,text`` rows (with a header), atomically (``imageio.atomic_path``)."""
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "text"])
        writer.writerows(sorted(texts.items()))


def read_texts(path: Path) -> dict[str, str]:
    """The ``key,text`` rows of ``path``; a missing file or column is a PlateplugError."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise PlateplugError(f"cannot read scenes texts {path}: {exc.strerror}") from exc
    if rows and not {"key", "text"} <= set(rows[0]):
        raise PlateplugError(f"scenes texts {path} need the columns key and text")
    return {row["key"]: normalise_text(row["text"] or "") for row in rows}
