"""Label the scenes train crops with what a reader sees in them
(``plateplug.train.scene_texts``), for ``plateplug train --scenes-texts``. The valid split is
never read.

    python tools/label_scenes.py --scenes ~/.cache/plateplug-data/scenes -o runs/scenes_texts.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

from plateplug.data.crops import load_scenes
from plateplug.readers import load_reader
from plateplug.train.scene_texts import MIN_SCORE, label_crops, write_texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenes", type=Path, required=True)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--reader", default="rapidocr-rec")
    parser.add_argument("--min-score", type=float, default=MIN_SCORE)
    args = parser.parse_args()
    crops = load_scenes(args.scenes)
    texts = label_crops(crops, load_reader(args.reader), args.min_score)
    write_texts(args.output, texts)
    print(f"{len(texts)} of {len(crops)} scenes train crops labelled -> {args.output}")


if __name__ == "__main__":
    main()
