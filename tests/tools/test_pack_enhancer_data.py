"""tools/device/pack_enhancer_data.py: the merged parts give the enhancers' training the same
crops pixel for pixel and in the same order (plates unchanged, dashcam and scenes windows),
never a valid one."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from plateplug.data.crops import load_dashcam, load_scenes
from plateplug.train.scene_texts import read_texts

ROOT = Path(__file__).resolve().parents[2]


def _frames(folder: Path, rng: np.random.Generator, heights: list[float]) -> None:
    """Three 640 x 360 noise frames, each with boxes of the given heights at fractional
    positions (one near the edge), and a valid frame with a box."""
    (folder / "images").mkdir(parents=True)
    with (folder / "boxes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "split", "source", "xmin", "ymin", "xmax", "ymax"])
        # names whose order a "<stem>_<box>" naming would change ("p1_0" sorts before "p_0")
        for i, name in enumerate(("p.png", "p1.png", "p2.png", "q.png")):
            cv2.imwrite(str(folder / "images" / name),
                        rng.integers(0, 256, (360, 640, 3), np.uint8))
            split = "valid" if i == 3 else "train"
            for h in heights:
                x, y = rng.uniform(0.3, 500), rng.uniform(0.3, 360 - h - 0.5)
                writer.writerow([f"images/{name}", split, "kaggle", round(x, 2), round(y, 3),
                                 round(x + 3.1 * h, 1), round(y + h, 2)])


def test_merged_parts_give_the_same_training_crops(tmp_path):
    rng = np.random.default_rng(0)
    data, scenes, out = tmp_path / "data", tmp_path / "scenes", tmp_path / "pack"
    _frames(data / "dashcam", rng, [12.5, 30.25])
    _frames(scenes, rng, [20.0, 41.7, 80.3])
    (data / "plates/br").mkdir(parents=True)
    cv2.imwrite(str(data / "plates/br/p0.png"), rng.integers(0, 256, (60, 200, 3), np.uint8))
    plain, turned = _jpegs(data / "plates/eu", rng)
    (data / "plates/labels.csv").write_text("path,text\nbr/p0.png,ABC1234\n")
    done = subprocess.run([sys.executable, str(ROOT / "tools/device/pack_enhancer_data.py"),
                           "--data", str(data), "--scenes", str(scenes), "--out", str(out),
                           "--part-mb", "0.1", "--scenes-texts", str(_texts(tmp_path))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 scenes texts" in done.stdout  # the 20 px box's text is left out with its box
    parts = sorted(out.iterdir())
    assert len(parts) > 1
    for part in parts:
        assert sum(p.stat().st_size for p in part.rglob("*") if p.is_file()) <= 0.1 * 2**20
    merged = tmp_path / "stash"
    for part in parts:
        subprocess.run(["cp", "-a", f"{part}/.", str(merged)], check=True)
    assert ((merged / "data/plates/br/p0.png").read_bytes()
            == (data / "plates/br/p0.png").read_bytes())
    # JPEG metadata left out where the pixels stay the same; an Exif orientation keeps it
    lean = merged / "data/plates/eu" / plain.name
    assert lean.stat().st_size < plain.stat().st_size
    assert b"Photoshop" not in lean.read_bytes() and b"JFIF" in lean.read_bytes()
    np.testing.assert_array_equal(cv2.imread(str(lean)), cv2.imread(str(plain)))
    assert (merged / "data/plates/eu" / turned.name).read_bytes() == turned.read_bytes()
    assert {p.suffix for p in (merged / "scenes/images").iterdir()} == {".webp"}
    for load, before, after in ((load_dashcam, data / "dashcam/boxes.csv",
                                 merged / "data/dashcam/boxes.csv"),
                                (load_scenes, scenes, merged / "scenes")):
        old, new = load(before), load(after)
        assert len(new) == len(old) == 6  # two boxes (scenes: >= 40 px) x three train frames
        for a, b in zip(old, new):
            np.testing.assert_array_equal(a.image, b.image)
    # the texts follow their crops to the packed windows
    old = load_scenes(scenes, read_texts(tmp_path / "texts.csv"))
    new = load_scenes(merged / "scenes", read_texts(merged / "scenes_texts.csv"))
    assert [c.text for c in new] == [c.text for c in old] == ["AB12", "", "", "", "", "CD34"]


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def _jpegs(folder: Path, rng: np.random.Generator) -> tuple[Path, Path]:
    """Two JPEG plates carrying metadata segments after their JFIF header: a comment and
    Photoshop's APP13 in one, an Exif APP1 that turns the image (orientation 6) in the
    other."""
    folder.mkdir(parents=True)
    image = rng.integers(0, 256, (40, 120, 3), np.uint8)
    jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    header = 2 + 2 + int.from_bytes(jpeg[4:6], "big")  # SOI and the JFIF APP0 segment
    exif = (b"Exif\0\0MM\0*\0\0\0\x08\0\x01" + b"\x01\x12\0\x03\0\0\0\x01\0\x06\0\0"
            + b"\0\0\0\0")
    paths = []
    for name, extra in (("plain.jpg", _segment(0xFE, b"made by a test" * 20)
                         + _segment(0xED, b"Photoshop 3.0\0" + bytes(500))),
                        ("turned.jpg", _segment(0xE1, exif))):
        (folder / name).write_bytes(jpeg[:header] + extra + jpeg[header:])
        paths.append(folder / name)
    assert cv2.imread(str(paths[1])).shape == (120, 40, 3)  # the orientation is applied
    return paths[0], paths[1]


def _texts(folder: Path) -> Path:
    """Texts for the 41.7 px box of p.png (box 1), the 80.3 px box of p2.png (box 2) and the
    20 px box of p1.png (box 0, too small for the scenes crops); a valid frame's box."""
    path = folder / "texts.csv"
    path.write_text("key,text\nscenes/images/p.png#1,AB12\nscenes/images/p2.png#2,CD34\n"
                    "scenes/images/p1.png#0,EF56\nscenes/images/q.png#1,GH78\n")
    return path


def test_scenes_texts_need_the_scenes(tmp_path):
    (tmp_path / "t.csv").write_text("key,text\n")
    done = subprocess.run([sys.executable, str(ROOT / "tools/device/pack_enhancer_data.py"),
                           "--data", str(tmp_path), "--out", str(tmp_path / "pack"),
                           "--scenes-texts", str(tmp_path / "t.csv")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--scenes-texts needs --scenes" in done.stderr
