"""plateplug in front of fast-alpr's OCR, through a ``BaseOCR`` wrapper.

    pip install fast-alpr        # and let it fetch its ONNX models once
    python examples/fast_alpr_ocr.py [SOURCE] [--model srgan] [--alpr]

By default the plates of SOURCE (default: examples/sample.mp4) come from its
``.boxes.jsonl`` and each is read twice, as cropped and after plateplug, so the two can be
compared. With ``--alpr`` the whole fast-alpr pipeline runs (its detector too) with the
plateplug-enhanced OCR plugged in. Without fast-alpr, its models or a trained plateplug
model, this prints why and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import plateplug
from plateplug.video import VideoSource, crop_region, read_boxes

HERE = Path(__file__).resolve().parent


def skip(why: str) -> None:
    print(f"skipping the fast-alpr example: {why}")
    sys.exit(0)


try:
    from fast_alpr import ALPR
    from fast_alpr.base import BaseOCR, OcrResult
    from fast_alpr.default_ocr import DefaultOCR
except ImportError as exc:
    skip(f"fast-alpr is not installed ({exc}); pip install fast-alpr")


class EnhancedOCR(BaseOCR):
    """Any fast-alpr OCR, fed plateplug-enhanced plates."""

    def __init__(self, ocr: BaseOCR, enhancer: plateplug.Enhancer):
        self.ocr = ocr
        self.enhancer = enhancer

    def predict(self, cropped_plate: np.ndarray) -> OcrResult | None:
        if cropped_plate is None or cropped_plate.size == 0:
            return None
        return self.ocr.predict(self.enhancer(cropped_plate))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(HERE / "sample.mp4"))
    parser.add_argument("--model", default="srgan", help="plateplug enhancer")
    parser.add_argument("--ocr-model", default="cct-xs-v1-global-model",
                        help="fast-plate-ocr hub model")
    parser.add_argument("--alpr", action="store_true",
                        help="run fast-alpr's own detector instead of the stored boxes")
    parser.add_argument("--detector-model", default="yolo-v9-t-384-license-plate-end2end")
    args = parser.parse_args()

    try:
        enhancer = plateplug.load(args.model)
    except plateplug.PlateplugError as exc:
        skip(str(exc))
    try:
        ocr = DefaultOCR(hub_ocr_model=args.ocr_model, device="cpu")
    except Exception as exc:  # missing model files, no network to fetch them, ...
        skip(f"fast-alpr's OCR model {args.ocr_model!r} is not available ({exc!r})")
    enhanced_ocr = EnhancedOCR(ocr, enhancer)

    if args.alpr:
        try:
            alpr = ALPR(detector_model=args.detector_model, ocr=enhanced_ocr)
        except Exception as exc:
            skip(f"fast-alpr's detector {args.detector_model!r} is not available ({exc!r})")
        with VideoSource(args.source) as frames:
            for index, frame in frames:
                for result in alpr.predict(frame):
                    if result.ocr is not None:
                        print(f"frame {index}: {result.ocr.text} "
                              f"({np.mean(result.ocr.confidence):.2f})")
        return

    boxes = read_boxes(Path(args.source).with_suffix(".boxes.jsonl"))
    with VideoSource(args.source) as frames:
        for index, frame in frames:
            for box in boxes.get(index, []):
                x1, y1, x2, y2 = crop_region(box, frame.shape)
                crop = frame[y1:y2, x1:x2]
                plain, better = ocr.predict(crop), enhanced_ocr.predict(crop)
                print(f"frame {index} {box}: cropped {plain.text if plain else '-'!r}, "
                      f"{enhancer.name} {better.text if better else '-'!r}")


if __name__ == "__main__":
    main()
