"""A detector file alone (its verifier left out), on the valid (or train) frames of each
source (dashcam, Open Images, Kaggle): recall / precision / F1 at IoU 0.5 for the score
thresholds 0.35-0.6.
``--reencode`` first shrinks each frame to its letterbox size and re-encodes it as WebP
quality 80, as the GPU data pack of docs/detector.md did.

    python tools/probe_detector.py --data ../shared/data \
        --scenes ~/.cache/plateplug-data/scenes FILE.onnx [FILE.onnx ...] [--reencode] \
        [--split train]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from plateplug.data.frames import Frame, read_frames
from plateplug.train.detector.calibrate import CANDIDATES, Result, Sample, threshold_table
from plateplug.train.detector.data import inference_scale
from plateplug.train.detector.unlabelled import mining_detector


def sample(frame: Frame, reencode: bool) -> Sample:
    """``frame`` as a calibration sample, re-encoded as the GPU pack was when asked."""
    image, boxes = frame.read(), frame.box_array()
    if reencode:
        factor = inference_scale(image.shape[1], image.shape[0])
        if factor < 1:
            image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        image = cv2.imdecode(cv2.imencode(".webp", image, [cv2.IMWRITE_WEBP_QUALITY, 80])[1],
                             cv2.IMREAD_COLOR)
        boxes = boxes * factor
    return Sample(frame.path.name, image, boxes, ("",) * len(boxes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--scenes", type=Path, required=True)
    parser.add_argument("--reencode", action="store_true")
    parser.add_argument("--split", choices=("valid", "train"), default="valid")
    args = parser.parse_args()
    sets = {"dashcam": read_frames(args.data / "dashcam", args.split)}
    for frame in read_frames(args.scenes, args.split):
        source = "openimages" if frame.path.name.startswith("oi_") else "kaggle"
        sets.setdefault(source, []).append(frame)
    detectors = {model: mining_detector(model, min(CANDIDATES)) for model in args.models}
    results: dict[tuple[Path, str], list[Result]] = {
        (model, name): [] for model in args.models for name in (*sets, "all")}
    for name, frames in sets.items():
        for frame in frames:  # each frame read (and re-encoded) once for every model
            s = sample(frame, args.reencode)
            for model, detector in detectors.items():
                found = (detector(s.frame), s.boxes)
                results[model, name].append(found)
                results[model, "all"].append(found)
    for model in args.models:
        for name in (*sets, "all"):
            cells = [f"{float(r.threshold):.2f}: {r.recall:.3f}/{r.precision:.3f}/{r.f1:.3f}"
                     for r in threshold_table(results[model, name])
                     if 0.35 <= float(r.threshold) <= 0.6]
            print(f"{model} {name}  " + "  ".join(cells), flush=True)

if __name__ == "__main__":
    main()
