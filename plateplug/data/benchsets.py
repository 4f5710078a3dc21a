"""The evaluation sets of ``plateplug bench-detector``.

``scenes``: the ``valid`` street and parking photos of a scenes folder (``boxes.csv`` with a
``source`` column: ``openimages``, ``andrewmvd``; laid out by ``../shared/data/scenes/get.sh``).
``dashcam``: the dashcam ``valid`` frames with their boxes. ``synthetic``: the same frames
with 1-3 held-out plate crops (``datasets.select(..., 'val')``: eu2 and 10% of br) pasted
on each, 15-200 px wide, by a fixed seed; its truths are the real and the pasted plates.
Every true box is tagged with its source (the image's, or for pasted plates the crop's
folder: ``eu2``, ``br``), every image with its own (``synthetic`` for the pasted scenes).
The same recipe on the ``train`` frames and crops gives training code a set to tune on.
A sample may also carry ``unlabelled`` boxes: plates its labels miss (``read_unlabelled``),
where a detection is neither right nor wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from plateplug.data.datasets import read_crops, select
from plateplug.data.frames import read_frames
from plateplug.data.synth import compose
from plateplug.errors import PlateplugError

SYNTH_WIDTHS = (15.0, 200.0)
DEFAULT_SCENES = Path.home() / ".cache" / "plateplug-data" / "scenes"
SET_NAMES = ("scenes", "dashcam", "synthetic")
DEFAULT_SETS = ("scenes", "dashcam")


class Sample(NamedTuple):
    """A frame to evaluate on: its true boxes, the source of each and of the frame."""

    name: str
    frame: np.ndarray
    boxes: np.ndarray
    sources: tuple[str, ...]
    source: str = ""
    unlabelled: np.ndarray | None = None  # plates the labels miss (x1, y1, x2, y2 rows)


def read_unlabelled(path: Path) -> dict[str, np.ndarray]:
    """Boxes of plates the labels miss, by image file name, from a CSV with the columns
    ``image,x1,y1,x2,y2`` (``image`` as in ``boxes.csv``: only its file name counts);
    PlateplugError for a malformed file."""
    boxes: dict[str, list[list[float]]] = {}
    try:
        with Path(path).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                box = [float(row[key]) for key in ("x1", "y1", "x2", "y2")]
                boxes.setdefault(Path(row["image"]).name, []).append(box)
    except (OSError, KeyError, TypeError, ValueError, csv.Error) as exc:
        raise PlateplugError(f"{path}: not a CSV of image,x1,y1,x2,y2 rows ({exc})") from exc
    return {name: np.array(rows, np.float32) for name, rows in boxes.items()}


def with_unlabelled(samples: Iterable[Sample], unlabelled: dict[str, np.ndarray]
                    ) -> Iterator[Sample]:
    """``samples`` with the boxes of ``unlabelled`` (``read_unlabelled``) of their image."""
    for sample in samples:
        yield sample._replace(unlabelled=unlabelled.get(sample.name))


def labelled_frames(boxes_csv: Path, split: str, default_source: str) -> Iterator[Sample]:
    """Every frame of ``split`` in ``boxes_csv`` (or its folder) with its boxes; frames
    without a ``source`` get ``default_source``."""
    for frame in read_frames(boxes_csv, split):
        boxes = frame.box_array()
        source = frame.source or default_source
        yield Sample(frame.path.name, frame.read(), boxes, (source,) * len(boxes), source)


def dashcam_frames(data: Path, split: str = "valid") -> Iterator[Sample]:
    """Every dashcam frame of ``split`` with its boxes."""
    return labelled_frames(Path(data) / "dashcam", split, "dashcam")


def scenes_frames(scenes: Path = DEFAULT_SCENES, split: str = "valid") -> Iterator[Sample]:
    """Every street and parking photo of ``split`` in the scenes folder, with its boxes."""
    return labelled_frames(Path(scenes), split, "scenes")


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
    for name, frame, boxes, sources, *_ in dashcam_frames(data, split):
        picks = [crops[int(i)] for i in rng.integers(len(crops), size=int(rng.integers(1, 4)))]
        image, truth = frame, boxes
        for crop in picks:
            plate = cv2.imread(str(crop.path), cv2.IMREAD_COLOR)
            if plate is not None:
                placed = len(truth)
                image, truth = compose(image, [plate], SYNTH_WIDTHS, rng, truth)
                sources += (crop.path.parent.name,) * (len(truth) - placed)
        yield Sample(name, image, truth, sources, "synthetic")


def synthetic_valid(data: Path, seed: int = 0) -> Iterator[Sample]:
    """Held-out plates pasted on the dashcam valid frames (deterministic for ``seed``)."""
    return synthetic_scenes(data, "valid", seed)


def open_set(name: str, data: Path | None, scenes: Path = DEFAULT_SCENES) -> Iterator[Sample]:
    """The samples of bench set ``name`` (one of SET_NAMES): ``scenes`` from the scenes
    folder, ``dashcam`` and ``synthetic`` from the data folder (None: not given);
    PlateplugError saying what is missing when its files are absent."""
    if name not in SET_NAMES:
        raise PlateplugError(f"unknown bench set {name!r}; known: {', '.join(SET_NAMES)}")
    if name == "scenes":
        _require([Path(scenes) / "boxes.csv"], " (lay the photos out with "
                 "../shared/data/scenes/get.sh, or pass --scenes DIR)")
        return scenes_frames(Path(scenes))
    if data is None:
        raise PlateplugError("no data folder (pass --data DIR or set PLATEPLUG_DATA)")
    root = Path(data)
    _require([root / "dashcam" / "boxes.csv"] + ([root / "plates"] if name == "synthetic"
                                                  else []), " (pass --data DIR)")
    return dashcam_valid(root) if name == "dashcam" else synthetic_valid(root)


def _require(paths: list[Path], hint: str) -> None:
    """PlateplugError naming the missing ``paths``, followed by ``hint``."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise PlateplugError(f"no {' or '.join(missing)}{hint}")
