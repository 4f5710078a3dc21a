"""A typical OpenCV ANPR loop with plateplug wired in between the detector and the OCR.

    python examples/anpr_loop.py [SOURCE] [--model srgan] [--out anpr.mp4]

SOURCE is a video file, camera index or stream URL (default: examples/sample.mp4). Plates
come from plateplug's detector when one is trained, else from SOURCE's ``.boxes.jsonl``
(standing in for your own detector). Text comes from the rapidocr reader when installed
(``pip install 'plateplug[ocr]'``). The only plateplug line in the loop is
``enhance_plates``: one batched model call per frame.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

import plateplug
from plateplug.bench.baselines import InterpolationEnhancer
from plateplug.detect import load_detector
from plateplug.readers import load_reader
from plateplug.video import enhance_plates, read_boxes

HERE = Path(__file__).resolve().parent


def pick_enhancer(name: str) -> plateplug.Enhancer:
    try:
        return plateplug.load(name)
    except plateplug.PlateplugError as exc:
        print(f"{exc}; using plain bicubic enlargement instead")
        return InterpolationEnhancer("bicubic")


def pick_detector(source: str) -> Callable[[int, np.ndarray], list]:
    """``detect(index, frame) -> [(x1, y1, x2, y2), ...]``: your detector goes here."""
    try:
        detector = load_detector()
        return lambda index, frame: [d.box for d in detector(frame)]
    except plateplug.PlateplugError as exc:
        boxes = read_boxes(Path(source).with_suffix(".boxes.jsonl"))
        print(f"{exc}; using the boxes stored beside {source}")
        return lambda index, frame: boxes.get(index, [])


def pick_reader() -> Callable[[np.ndarray], str]:
    try:
        reader = load_reader()
        return lambda crop: " ".join(reader(crop)) or "?"
    except plateplug.PlateplugError as exc:
        print(f"no OCR ({exc}); labelling plates with their enhanced size")
        return lambda crop: f"{crop.shape[1]}x{crop.shape[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(HERE / "sample.mp4"))
    parser.add_argument("--model", default="srgan", help="plateplug enhancer")
    parser.add_argument("--out", default="anpr.mp4", help="annotated output video")
    parser.add_argument("--frames", type=int, help="stop after this many frames")
    args = parser.parse_args()

    enhancer = pick_enhancer(args.model)
    detect = pick_detector(args.source)
    read = pick_reader()

    cap = cv2.VideoCapture(int(args.source) if args.source.isdigit() else args.source)
    if not cap.isOpened():
        raise SystemExit(f"cannot open {args.source}")
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    writer = None
    index = 0
    while args.frames is None or index < args.frames:
        ok, frame = cap.read()
        if not ok:
            break
        boxes = detect(index, frame)                          # your detector
        crops = enhance_plates(frame, boxes, enhancer)        # plateplug
        for (x1, y1, x2, y2), crop in zip(boxes, crops):
            text = read(crop)                                 # your OCR
            cv2.rectangle(frame, (x1, y1), (x2, y2), (0, 255, 0), 2)
            cv2.putText(frame, text, (x1, y1 - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.8,
                        (0, 255, 0), 2, cv2.LINE_AA)
            print(f"frame {index}: {text}")
        if writer is None:
            size = (frame.shape[1], frame.shape[0])
            writer = cv2.VideoWriter(args.out, cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
        writer.write(frame)
        index += 1
    cap.release()
    if writer is not None:
        writer.release()
    print(f"{index} frames -> {args.out}")


if __name__ == "__main__":
    main()
