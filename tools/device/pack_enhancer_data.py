"""Pack the enhancers' training data in parts of at most N MiB for a device machine that takes
64 MiB per call (docs/training.md, "On a GPU"): the plates folder unchanged; of the dashcam
frames and the scenes photos only the train-split windows the training crops come from
(each plate's margin window, saved as PNG: the same crops pixel for pixel and in the same
order, a fraction of the bytes); optionally RapidOCR's recogniser file for the text
loss, wheel files for packages that machine lacks (``--wheel``: the font wheels of
``--fonts truetype|all``) and the scenes texts of ``tools/label_scenes.py``, their keys
renamed to the packed windows (``--scenes-texts``; ``scenes_texts.csv`` in the stash, for
``plateplug train --scenes-texts``). Each call carries one part and copies it into /tmp/stash
(``cp -a PART/. /tmp/stash/``), where the parts add up to ``data/plates``, ``data/dashcam``,
``scenes`` (and ``recogniser/``, ``wheels/``, ``scenes_texts.csv``), ready for
tools/device/train_enhancer.sh.

    python tools/device/pack_enhancer_data.py --data ../shared/data \
        --scenes ~/.cache/plateplug-data/scenes --out .devdata/enhancers [--recogniser] \
        [--wheel FILE.whl ...] [--scenes-texts runs/scenes_texts.csv]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from split_into_parts import split  # noqa: E402

from plateplug.data.crops import SCENES_KEY, SCENES_MIN_BOX  # noqa: E402
from plateplug.data.datasets import box_key, margin_window  # noqa: E402
from plateplug.data.frames import read_frames  # noqa: E402
from plateplug.train.scene_texts import read_texts, write_texts  # noqa: E402


def cut_frames(boxes_csv: Path, out: Path, prefix: str, min_box_height: float = 0.0
               ) -> dict[str, str]:
    """Write ``out/boxes.csv`` and ``out/images/*.png``: for each box at least
    ``min_box_height`` high of the train frames of ``boxes_csv``, its margin window, the box
    moved into it. Returns each written box's crop key under ``prefix`` (``box_key``) -> its
    key in ``out``."""
    (out / "images").mkdir(parents=True, exist_ok=True)
    rows, moved = [], {}
    frames = sorted(read_frames(boxes_csv, "train"), key=lambda f: f.path)
    for number, frame in enumerate(frames):  # names that sort as the frames did: same order
        boxes = [(i, b) for i, b in enumerate(frame.boxes) if b[3] - b[1] >= min_box_height]
        image = frame.read() if boxes else None
        for index, (x0, y0, x1, y1) in boxes:
            left, top, right, bottom = margin_window((x0, y0, x1, y1), image.shape[1],
                                                     image.shape[0])
            name = f"images/{number:06d}_{index:03d}.png"
            cv2.imwrite(str(out / name), image[top:bottom, left:right])
            # integer shifts keep crop_boxes' rounding: the same window comes out
            rows.append([name, "train", frame.source, x0 - left, y0 - top, x1 - left, y1 - top])
            image_path = frame.path.relative_to(boxes_csv.parent).as_posix()
            moved[box_key(prefix, image_path, index)] = box_key(prefix, name, 0)
    with (out / "boxes.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "split", "source", "xmin", "ymin", "xmax", "ymax"])
        writer.writerows(rows)
    return moved


def pack_texts(texts_csv: Path, moved: dict[str, str], out: Path) -> int:
    """Write the scenes texts of ``texts_csv`` whose crops were packed to ``out``, keyed by
    their packed windows (``moved``, from ``cut_frames``); returns how many."""
    texts = {moved[key]: text for key, text in read_texts(texts_csv).items() if key in moved}
    write_texts(out, texts)
    return len(texts)


def pack(data: Path, scenes: Path | None, out: Path, part_mb: float,
         recogniser: Path | None = None, wheels: tuple[Path, ...] = (),
         scenes_texts: Path | None = None) -> list[Path]:
    """Stage the folders the stash will hold, then split them into parts under ``out``."""
    with tempfile.TemporaryDirectory() as staging:
        stage = Path(staging)
        shutil.copytree(data / "plates", stage / "data/plates")
        if (data / "dashcam/boxes.csv").is_file():
            cut_frames(data / "dashcam/boxes.csv", stage / "data/dashcam", "dashcam")
        if scenes is not None:
            moved = cut_frames(scenes / "boxes.csv", stage / "scenes", SCENES_KEY, SCENES_MIN_BOX)
            if scenes_texts is not None:
                count = pack_texts(scenes_texts, moved, stage / "scenes_texts.csv")
                print(f"{count} scenes texts of {scenes_texts} packed")
        extras = {"recogniser": (recogniser,) if recogniser else (), "wheels": wheels}
        for folder, files in extras.items():
            for file in files:
                (stage / folder).mkdir(exist_ok=True)
                shutil.copy2(file, stage / folder / file.name)
        shutil.rmtree(out, ignore_errors=True)
        return split(stage, out, ".", part_mb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="Holds plates/ and dashcam/.")
    parser.add_argument("--scenes", type=Path, help="Scenes folder (boxes.csv, images/).")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--part-mb", type=float, default=44.0)
    parser.add_argument("--recogniser", action="store_true",
                        help="Add RapidOCR's recogniser file (the ocr extra) for --text-loss.")
    parser.add_argument("--wheel", type=Path, action="append", default=[],
                        help="A wheel to install there before training (repeatable), e.g. the "
                             "font wheels: pip download --no-deps font-source-sans-pro "
                             "ttf-opensans -d .devdata/wheels.")
    parser.add_argument("--scenes-texts", type=Path,
                        help="Texts of the scenes train crops (tools/label_scenes.py), packed "
                             "as scenes_texts.csv with the keys of the packed windows.")
    args = parser.parse_args()
    if args.scenes_texts is not None and (args.scenes is None or not args.scenes_texts.is_file()):
        parser.error("--scenes-texts needs --scenes and an existing file")
    if missing := [w for w in args.wheel if not (w.is_file() and w.suffix == ".whl")]:
        parser.error(f"not a wheel file: {', '.join(map(str, missing))}")
    recogniser = None
    if args.recogniser:
        from plateplug.train.ocr_teacher import recogniser_path

        recogniser = recogniser_path()
    parts = pack(args.data, args.scenes, args.out, args.part_mb, recogniser, tuple(args.wheel),
                 args.scenes_texts)
    sizes = [sum(p.stat().st_size for p in part.rglob("*") if p.is_file()) / 2**20
             for part in parts]
    print(f"{args.out}: {len(parts)} parts ({', '.join(f'{s:.1f}' for s in sizes)} MiB)")


if __name__ == "__main__":
    main()
