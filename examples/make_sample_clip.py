"""Make ``examples/sample.mp4`` and ``examples/sample.boxes.jsonl`` from dashcam frames.

A few consecutive 1280x720 frames of RobertLucian/license-plate-dataset (MIT, see
SAMPLE_CREDITS.md) are each held for a second under a slow zoom and pan; the plate boxes
from its ``boxes.csv`` are moved through the same transform.

    python examples/make_sample_clip.py [--data ../shared/data/dashcam]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data" / "dashcam"
FRAMES = ("dayride_type1_001_t1141.jpg", "dayride_type1_001_t1142.jpg",
          "dayride_type1_001_t1143.jpg", "dayride_type1_001_t1145.jpg")
SIZE = (1280, 720)
FPS = 10
HOLD = 10  # output frames per source frame
ZOOM = (1.0, 1.15)  # zoom at the first and last output frame
PAN = (40.0, 12.0)  # pixels the view drifts right and down over the clip


def read_boxes(csv_path: Path) -> dict[str, list[tuple[float, ...]]]:
    """Image file name -> plate boxes (x1, y1, x2, y2) from the dataset's boxes.csv."""
    boxes: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            boxes[Path(row["image"]).name].append(
                tuple(float(row[k]) for k in ("xmin", "ymin", "xmax", "ymax")))
    return boxes


def view(t: float) -> np.ndarray:
    """2x3 affine matrix at clip time ``t`` in 0..1: zoom about the centre, then pan."""
    zoom = ZOOM[0] + (ZOOM[1] - ZOOM[0]) * t
    cx, cy = SIZE[0] / 2 + PAN[0] * t, SIZE[1] / 2 + PAN[1] * t
    return np.array([[zoom, 0, SIZE[0] / 2 - zoom * cx],
                     [0, zoom, SIZE[1] / 2 - zoom * cy]], np.float64)


def move_box(box: tuple[float, ...], m: np.ndarray) -> list[int] | None:
    """``box`` through ``m``, clipped to the frame; None when it leaves the frame."""
    x1, y1 = m @ (box[0], box[1], 1.0)
    x2, y2 = m @ (box[2], box[3], 1.0)
    x1, x2 = max(0, round(x1)), min(SIZE[0], round(x2))
    y1, y2 = max(0, round(y1)), min(SIZE[1], round(y2))
    return [x1, y1, x2, y2] if x2 - x1 >= 4 and y2 - y1 >= 4 else None


def warp(image: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``image`` seen through the view ``m`` (edges reflected)."""
    return cv2.warpAffine(image, m, SIZE, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


def finish(writer: cv2.VideoWriter, out: Path, lines: list[str], fps: int) -> None:
    """Close the clip, write its boxes JSONL beside it and say what was written."""
    writer.release()
    boxes_path = out.with_suffix(".boxes.jsonl")
    boxes_path.write_text("\n".join(lines) + "\n")
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB, {len(lines)} frames at "
          f"{fps} fps, {SIZE[0]}x{SIZE[1]}) and {boxes_path}")


def start(description: str, out: Path, fps: int) -> tuple[argparse.Namespace,
                                                          dict[str, list[tuple[float, ...]]],
                                                          cv2.VideoWriter]:
    """The command line (``--data``, ``--out`` defaulting to ``out``), the dataset's boxes
    and an mp4v writer for the clip."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="dataset folder holding boxes.csv and images/")
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args()
    boxes = read_boxes(args.data / "boxes.csv")
    return args, boxes, cv2.VideoWriter(str(args.out), cv2.VideoWriter.fourcc(*"mp4v"), fps,
                                        SIZE)


def main() -> None:
    args, boxes, writer = start(__doc__.splitlines()[0], HERE / "sample.mp4", FPS)
    total = len(FRAMES) * HOLD
    lines = []
    for k, name in enumerate(FRAMES):
        image = cv2.imread(str(args.data / "images" / name))
        if image is None:
            raise SystemExit(f"cannot read {args.data / 'images' / name}")
        image = cv2.resize(image, SIZE, interpolation=cv2.INTER_AREA)
        for j in range(HOLD):
            index = k * HOLD + j
            m = view(index / (total - 1))
            writer.write(warp(image, m))
            moved = [b for b in (move_box(b, m) for b in boxes[name]) if b]
            lines.append(json.dumps({"frame": index, "boxes": moved}))
    finish(writer, args.out, lines, FPS)


if __name__ == "__main__":
    main()
