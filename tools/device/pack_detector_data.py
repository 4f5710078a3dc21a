"""Pack the detector's training data into parts small enough for the device machine's 64 MiB
per call (docs/detector.md, "Training on a GPU").

Frames are stored at their letterbox size (what inference sees; training rescales from
there), plate crops at most 192 px wide. Part 0 holds the box lists, the plate crops and the
mined boxes; the other parts hold the frames. Each call of the device
carries one part and copies it into /tmp/stash there; the last call trains
(tools/device/train_detector.sh).

    python tools/device/pack_detector_data.py --data ../shared/data \
        --scenes ~/.cache/plateplug-data/scenes --detector DETECTOR.onnx --out .devdata
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import cv2
import numpy as np

from plateplug.data.datasets import read_crops, select
from plateplug.data.frames import read_frames
from plateplug.train.detector.data import inference_scale
from plateplug.train.detector.unlabelled import (
    MIN_SCORE,
    NEGATIVE_SCORE,
    find_unlabelled,
    mining_detector,
    write_boxes,
)

BOX = ["xmin", "ymin", "xmax", "ymax"]
PLATE_WIDTH = 192


def encode(image: np.ndarray, suffix: str, quality: int) -> bytes:
    """``image`` as JPEG or WebP bytes."""
    flag = cv2.IMWRITE_WEBP_QUALITY if suffix == ".webp" else cv2.IMWRITE_JPEG_QUALITY
    return cv2.imencode(suffix, image, [flag, quality])[1].tobytes()


def letterboxed(path: Path) -> tuple[np.ndarray, float]:
    """The frame at ``path`` shrunk to the detector's input (``inference_scale``), and the
    factor."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    factor = inference_scale(image.shape[1], image.shape[0])
    if factor < 1:
        image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return image, factor


def pack_frames(boxes_csv: Path, header: list[str], blobs: dict[str, bytes], out_csv: Path,
                suffix: str, quality: int) -> None:
    """The train rows of ``boxes_csv`` with their boxes scaled, frames encoded into
    ``blobs`` (relative name -> bytes)."""
    rows = [r for r in csv.DictReader(boxes_csv.open()) if r["split"] == "train"]
    factors = {}
    for name in sorted({r["image"] for r in rows}):
        image, factors[name] = letterboxed(boxes_csv.parent / name)
        blobs[str(Path(name).with_suffix(suffix))] = encode(image, suffix, quality)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in rows:
            f = factors[r["image"]]
            box = [f"{float(r[k]) * f:.1f}" if r[k] else "" for k in BOX]
            writer.writerow([str(Path(r["image"]).with_suffix(suffix)),
                             *[r[k] for k in header[1:-4]], *box])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--scenes", type=Path, required=True)
    parser.add_argument("--detector", type=Path, required=True,
                        help="Mines hard negatives and unlabelled plates on the packed frames.")
    parser.add_argument("--out", type=Path, default=Path(".devdata"))
    parser.add_argument("--format", choices=("jpg", "webp"), default="jpg")
    parser.add_argument("--quality", type=int, default=95)
    parser.add_argument("--part-mb", type=float, default=44.0,
                        help="MiB of frames per part (the repository travels with each).")
    args = parser.parse_args()
    suffix = "." + args.format
    shutil.rmtree(args.out, ignore_errors=True)
    base = args.out / "part0"
    dashcam: dict[str, bytes] = {}
    scenes: dict[str, bytes] = {}
    pack_frames(args.data / "dashcam/boxes.csv", ["image", "split", *BOX], dashcam,
                base / "data/dashcam/boxes.csv", suffix, args.quality)
    pack_frames(args.scenes / "boxes.csv", ["image", "split", "source", *BOX], scenes,
                base / "scenes/boxes.csv", suffix, args.quality)
    frames = {**{f"data/dashcam/{k}": v for k, v in dashcam.items()},
              **{f"scenes/{k}": v for k, v in scenes.items()}}
    plates = base / "data/plates"
    plates.mkdir(parents=True)
    keep = {c.key for c in select(read_crops(args.data / "plates"), "train")}
    with (args.data / "plates/labels.csv").open() as src, \
            (plates / "labels.csv").open("w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            if row["path"] in keep:
                writer.writerow(row)
                image = cv2.imread(str(args.data / "plates" / row["path"]), cv2.IMREAD_COLOR)
                factor = min(1.0, PLATE_WIDTH / image.shape[1])
                image = cv2.resize(image, None, fx=factor, fy=factor,
                                   interpolation=cv2.INTER_AREA) if factor < 1 else image
                (plates / row["path"]).parent.mkdir(parents=True, exist_ok=True)
                # the same file name keeps the crop's split; OpenCV reads by content
                (plates / row["path"]).write_bytes(encode(image, ".jpg", 92))
    part, size = 1, 0.0
    for name, blob in frames.items():
        if size and size + len(blob) > args.part_mb * 2**20:  # a part holds at least one
            part, size = part + 1, 0.0
        target = args.out / f"part{part}" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
        size += len(blob)
    merged = args.out / "merged"  # every part's files in one tree, to mine on
    shutil.copytree(base, merged)
    for k in range(1, part + 1):
        shutil.copytree(args.out / f"part{k}", merged, dirs_exist_ok=True)
    write_boxes(base / "negatives.csv", find_unlabelled(
        mining_detector(args.detector, NEGATIVE_SCORE), read_frames(merged / "scenes", "train")))
    write_boxes(base / "ignored.csv", find_unlabelled(
        mining_detector(args.detector, MIN_SCORE),
        read_frames(merged / "data/dashcam", "train")))
    shutil.rmtree(merged)
    print(f"{args.out}: part0 and {part} parts of frames")


if __name__ == "__main__":
    main()
