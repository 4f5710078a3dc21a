"""Glyph fonts for rendered plates: OpenCV's Hershey vector fonts and TrueType sans fonts.

A font is either a Hershey font id (``int``, built into OpenCV) or the path of a TrueType
file. The TrueType fonts come from two PyPI wheels of the ``train`` extra, so nothing is
downloaded at run time: ``font-source-sans-pro`` (Adobe Source Sans Pro, SIL Open Font
Licence 1.1) and ``ttf-opensans`` (Open Sans by Steve Matteson, Apache 2.0); their upright
regular to black weights, the closest to the sans lettering of most plates. Only rendered
training images use them; no font file ships with plateplug.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from plateplug.extras import require

Font = int | Path
FontSet = Literal["hershey", "truetype", "all"]
FONT_SETS: tuple[FontSet, ...] = ("hershey", "truetype", "all")

GLYPH_HERSHEY = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_PLAIN,
                 cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_COMPLEX,
                 cv2.FONT_HERSHEY_SIMPLEX | cv2.FONT_ITALIC)
TRUETYPE_FILES = {  # package -> (folder, files)
    "font_source_sans_pro": ("files", ("SourceSansPro-Regular.ttf", "SourceSansPro-Semibold.ttf",
                                       "SourceSansPro-Bold.ttf", "SourceSansPro-Black.ttf")),
    "ttf_opensans": ("ttf", ("OpenSans-Regular.ttf", "OpenSans-SemiBold.ttf",
                             "OpenSans-Bold.ttf", "OpenSans-ExtraBold.ttf")),
}


@lru_cache(maxsize=1)
def truetype_fonts() -> tuple[Path, ...]:
    """The TrueType files of the two font wheels (a clear error naming the extra when they
    are not installed)."""
    paths = []
    for package, (folder, names) in TRUETYPE_FILES.items():
        root = importlib.resources.files(require(package, "train"))
        paths += [Path(str(root / folder / name)) for name in names]
    require("PIL", "train")
    return tuple(paths)


def glyph_fonts(fonts: FontSet) -> tuple[Font, ...]:
    """The fonts a rendered plate's characters are drawn from for a font set's name."""
    if fonts not in FONT_SETS:
        raise ValueError(f"unknown font set {fonts!r}; choose one of {', '.join(FONT_SETS)}")
    hershey: tuple[Font, ...] = GLYPH_HERSHEY
    if fonts == "hershey":
        return hershey
    return truetype_fonts() if fonts == "truetype" else hershey + truetype_fonts()


def draw_glyph(canvas: np.ndarray, char: str, origin: tuple[int, int], font: Font,
               height: int, thickness: int) -> int:
    """Draw ``char`` white on the uint8 ``canvas`` with its baseline's left end at
    ``origin``, its capitals ``height`` px tall, heavier with ``thickness`` (1-4); return the
    advance to the next glyph."""
    if isinstance(font, int):
        scale = cv2.getFontScaleFromHeight(font, height, thickness)
        cv2.putText(canvas, char, origin, font, scale, 255, thickness, cv2.LINE_AA)
        return int(cv2.getTextSize(char, font, scale, thickness)[0][0])
    from PIL import Image, ImageDraw

    face = _truetype(font, height)
    left, _, right, _ = face.getbbox(char, anchor="ls", stroke_width=thickness - 1)
    image = Image.fromarray(canvas)
    ImageDraw.Draw(image).text(origin, char, fill=255, font=face, anchor="ls",
                               stroke_width=thickness - 1, stroke_fill=255)
    canvas[:] = np.asarray(image)
    return int(right - min(left, 0))  # to the ink's right edge, as OpenCV's text size


@lru_cache(maxsize=64)
def _truetype(path: Path, cap_height: int):
    """The TrueType face at the size whose capital H is ``cap_height`` px tall."""
    from PIL import ImageFont

    probe = ImageFont.truetype(str(path), 100)
    top, bottom = probe.getbbox("H", anchor="ls")[1::2]
    return ImageFont.truetype(str(path), max(1, round(100 * cap_height / (bottom - top))))
