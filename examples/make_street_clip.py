"""Make ``examples/street.mp4`` and ``examples/street.boxes.jsonl``: a 1280x720 clip of
plates of many sizes, from the validation frames of the MIT-licensed dashcam set.

Eight 1280x720 frames of RobertLucian/license-plate-dataset (see SAMPLE_CREDITS.md; frames
of its ``valid`` split, which the shipped detector did not train on) are each held for one
second at 25 fps under a slow zoom towards their plates, like a car closing in: 200
frames, 1-3 plates each, 15 to about 85 px high. The plate boxes of the dataset's
``boxes.csv`` are moved through the same transform; each line also carries the plates'
texts (``"texts"``, read by eye from the source frames; null where no one can read the
plate), for OCR rates (``plateplug bench-video --labels``).

    python examples/make_street_clip.py [--data ../shared/data/dashcam]
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from make_sample_clip import SIZE, finish, move_box, start, warp

HERE = Path(__file__).resolve().parent
TEXTS = {  # valid split; texts in the order of boxes.csv (plate heights 15-70 px)
    "dayride_type1_001_t147.jpg": [None],
    "dayride_type1_001_t413.jpg": [None, "B121PHD"],
    "dayride_type1_001_t1094.jpg": ["B57ZFA", "SB90TZI", "B21GSB"],
    "dayride_type1_001_t1192.jpg": ["B01XEN", "IF10KAX", None],
    "dayride_type1_001_t522.jpg": ["B60JRB", "B311ALY"],
    "dayride_type1_001_t1198.jpg": ["B01XEN", "IF10KAX"],
    "dayride_type1_001_t604.jpg": ["B310VLV"],
    "nightride_type3_001_t715.jpg": ["B96TRH", "B56DUU"],
}
FRAMES = tuple(TEXTS)
FPS = 25
HOLD = 25  # output frames per source frame
ZOOM = 1.2  # zoom at the end of each hold, about the centre of the frame's plates
QUALITY = 16  # mp4v quantiser scale (1 best .. 31 worst): small file, still sharp plates


def view(boxes: list[tuple[float, ...]], t: float) -> np.ndarray:
    """2x3 affine matrix at hold time ``t`` in 0..1: zoom about the middle of ``boxes``."""
    zoom = 1 + (ZOOM - 1) * t
    cx = sum(b[0] + b[2] for b in boxes) / (2 * len(boxes))
    cy = sum(b[1] + b[3] for b in boxes) / (2 * len(boxes))
    return np.array([[zoom, 0, cx * (1 - zoom)], [0, zoom, cy * (1 - zoom)]], np.float64)


def main() -> None:
    args, boxes, writer = start(__doc__.splitlines()[0], HERE / "street.mp4", FPS)
    lines = []
    for k, name in enumerate(FRAMES):
        image = cv2.imread(str(args.data / "images" / name))
        if image is None or len(boxes[name]) != len(TEXTS[name]):
            raise SystemExit(f"cannot read {args.data / 'images' / name} or its boxes")
        image = cv2.resize(image, SIZE, interpolation=cv2.INTER_AREA)
        for j in range(HOLD):
            m = view(boxes[name], j / (HOLD - 1))
            writer.write(warp(image, m))
            moved = [(b, t) for b, t in zip((move_box(b, m) for b in boxes[name]),
                                            TEXTS[name]) if b]
            lines.append(json.dumps({"frame": k * HOLD + j, "boxes": [b for b, _ in moved],
                                     "texts": [t for _, t in moved]}))
    finish(writer, args.out, lines, FPS)


if __name__ == "__main__":
    main()
