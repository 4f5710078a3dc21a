"""Pack the enhancers' training data in parts of at most N MiB for a device machine that takes
64 MiB per call (docs/training.md, "On a GPU"): the plates folder, its JPEG files without
their metadata segments (Exif, Photoshop, ICC, comments: a third of the bytes) where they
still decode to the same pixels, the rest unchanged; of the dashcam frames and the scenes
photos only the train-split windows the training crops come from (each plate's margin
window, saved as lossless WebP, PNG where that would not give the same pixels: the same
crops pixel for pixel and in the same order, a fraction of the bytes); optionally
RapidOCR's recogniser file for the text loss, wheel files for packages that machine lacks
(``--wheel``: the font wheels of ``--fonts truetype|all``) and the scenes texts of
``tools/label_scenes.py``, their keys renamed to the packed windows (``--scenes-texts``;
``scenes_texts.csv`` in the stash, for ``plateplug train --scenes-texts``). Each call
carries one part and copies it into /tmp/stash (``cp -a PART/. /tmp/stash/``), where the
parts add up to ``data/plates``, ``data/dashcam``, ``scenes`` (and ``recogniser/``,
``wheels/``, ``scenes_texts.csv``), ready for tools/device/train_enhancer.sh.

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
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from split_into_parts import split  # noqa: E402

from plateplug.data.crops import SCENES_KEY, SCENES_MIN_BOX  # noqa: E402
from plateplug.data.datasets import box_key, margin_window  # noqa: E402
from plateplug.data.frames import read_frames  # noqa: E402
from plateplug.train.scene_texts import read_texts, write_texts  # noqa: E402

JPEG_KEPT = (0xE0, 0xEE)  # APP0 (JFIF) and APP14 (Adobe: its colour transform is decoding)
LOSSLESS_WEBP = [cv2.IMWRITE_WEBP_QUALITY, 101]  # above 100: lossless


def strip_jpeg(data: bytes) -> bytes | None:
    """The JPEG ``data`` without its APPn segments other than JFIF and Adobe and without
    comments (everything before the scan is walked; the scan is kept as it is); None when
    the header is not a well-formed JPEG one."""
    if data[:2] != b"\xff\xd8":
        return None
    kept, i = [data[:2]], 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # a fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the image data follows
            kept.append(data[i:])
            return b"".join(kept)
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if not ((0xE0 <= marker <= 0xEF and marker not in JPEG_KEPT) or marker == 0xFE):
            kept.append(data[i:end])
        i = end
    return None


def same_pixels(a: Path, b: Path) -> bool:
    """Whether the two files decode to the same image as training reads it (cv2.imread in
    colour, which applies an Exif orientation)."""
    first, second = (cv2.imread(str(p), cv2.IMREAD_COLOR) for p in (a, b))
    return first is not None and second is not None and np.array_equal(first, second)


def copy_plates(source: Path, target: Path) -> int:
    """Copy the plates folder to ``target``, each JPEG file without its metadata segments
    (``strip_jpeg``) when it decodes to the same pixels so (else as it is); returns the bytes
    saved."""
    saved = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        lean = strip_jpeg(data) if path.suffix.lower() in (".jpg", ".jpeg") else None
        if lean is not None and len(lean) < len(data):
            copy.write_bytes(lean)
            if same_pixels(path, copy):
                saved += len(data) - len(lean)
                continue
        shutil.copy2(path, copy)
    return saved


def write_window(out: Path, stem: str, window: np.ndarray) -> str:
    """Write ``window`` as ``out/images/STEM.webp`` (lossless), or as PNG where the WebP file
    does not read back as the same pixels; returns its path relative to ``out``."""
    webp = cv2.imencode(".webp", window, LOSSLESS_WEBP)[1]
    lossless = np.array_equal(cv2.imdecode(webp, cv2.IMREAD_COLOR), window)
    name = f"images/{stem}.webp" if lossless else f"images/{stem}.png"
    (out / name).write_bytes(webp.tobytes() if lossless else cv2.imencode(".png", window)[1])
    return name


def cut_frames(boxes_csv: Path, out: Path, prefix: str, min_box_height: float = 0.0
               ) -> dict[str, str]:
    """Write ``out/boxes.csv`` and ``out/images/`` (``write_window``): for each box at least
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
            name = write_window(out, f"{number:06d}_{index:03d}", image[top:bottom, left:right])
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
        saved = copy_plates(data / "plates", stage / "data/plates")
        print(f"plates: {saved / 2**20:.1f} MiB of JPEG metadata left out")
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
