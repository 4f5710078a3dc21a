"""Made-up licence plates with their text (torch-free: numpy, OpenCV and optionally Pillow).

One renderer for two users: the detector's procedural plates (``rich=False``: plain one- or
two-row plates, borders, a side band) and the enhancers' synthetic training plates
(``rich=True``: also condensed or wide lettering, free character spacing, tinted and
gradient paper, small text above and below the characters, frames, bolts, dirt, a margin of
background and a slight perspective). The characters are drawn in OpenCV's built-in Hershey
vector fonts, or with ``fonts`` in TrueType sans fonts from the ``train`` extra's font wheels
as well (``plateplug.data.fonts``); nothing is downloaded. All randomness comes from the
numpy Generator passed in.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import cv2
import numpy as np

from plateplug.data.fonts import GLYPH_HERSHEY, Font, draw_glyph

DETECTOR_GLYPHS = "ABCDEFGHKMNPRSTXYZ0123456789"
PLATE_GLYPHS = string.ascii_uppercase + string.digits
_LIGHT = ((235, 235, 235), (40, 200, 245), (200, 200, 200), (225, 240, 250))  # BGR
_DARK = ((30, 30, 30), (40, 110, 30), (120, 50, 20), (20, 20, 120))
_FONTS = GLYPH_HERSHEY[:4]  # the detector's plain plates
_SMALL_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX,
                cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_COMPLEX_SMALL)
_GLYPH_PX = 48  # glyphs are drawn at this height, then resized into their box
_LINE_SLACK = 0.08  # a row's band reaches this share of the row height past its glyph box


@dataclass(frozen=True)
class TextLine:
    """One row of a plate's characters and its band: top and bottom as fractions of the
    image height (a little wider than the drawn glyphs)."""

    text: str
    top: float
    bottom: float


@dataclass(frozen=True)
class RenderedPlate:
    """A BGR uint8 plate image, its characters (A-Z0-9, rows in reading order) and its rows."""

    image: np.ndarray
    text: str
    lines: tuple[TextLine, ...] = ()


def procedural_plate(rng: np.random.Generator) -> np.ndarray:
    """A plain made-up plate for the detector: one row (aspect 2-5) or two rows (aspect
    1-2), 40-80 px high, light on dark or dark on light, a border, sometimes a side band."""
    return render_plate(rng, rich=False).image


def text_mask(text: str, font: Font, thickness: int, spacing: float) -> np.ndarray:
    """Float mask (0..1) of ``text`` drawn glyph by glyph ``spacing`` glyph-widths apart,
    cropped to the ink."""
    gap = int(spacing * _GLYPH_PX * 0.6)
    canvas = np.zeros((3 * _GLYPH_PX, (2 * len(text) + 4) * _GLYPH_PX), np.uint8)
    x = 2 * _GLYPH_PX
    for ch in text:
        x += draw_glyph(canvas, ch, (x, 2 * _GLYPH_PX), font, _GLYPH_PX, thickness) + gap
    ys, xs = np.nonzero(canvas)
    if len(xs) == 0:
        return np.zeros((1, 1), np.float32)
    return canvas[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32) / 255


def draw_text(plate: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int],
              colour: tuple[float, ...], stretch: float = 1.0) -> None:
    """Blend ``colour`` through ``mask`` into ``box`` (x0, y0, x1, y1) of ``plate``, in
    place: as large as fits, widened by ``stretch``, centred."""
    x0, y0, x1, y1 = box
    bw, bh = max(1, x1 - x0), max(1, y1 - y0)
    mh, mw = mask.shape
    factor = min(bh / mh, bw / (mw * stretch))
    w, h = max(1, min(bw, round(mw * stretch * factor))), max(1, min(bh, round(mh * factor)))
    alpha = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA)[..., None]
    xa, ya = x0 + (bw - w) // 2, y0 + (bh - h) // 2
    roi = plate[ya : ya + h, xa : xa + w].astype(np.float32)
    ink = np.array(colour, np.float32)
    plate[ya : ya + h, xa : xa + w] = (roi * (1 - alpha) + ink * alpha + 0.5).astype(np.uint8)


def _colours(rng: np.random.Generator, rich: bool) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(paper, ink) colours: a palette pair, or in rich mode sometimes a random hue."""
    light = rng.random() < 0.75
    paper, ink = (_LIGHT, _DARK) if light else (_DARK, _LIGHT)
    background: tuple[float, ...] = paper[int(rng.integers(len(paper)))]
    colour: tuple[float, ...] = ink[0] if light else ink[int(rng.integers(len(ink)))]
    if rich and rng.random() < 0.35:
        hue = rng.uniform(0, 255, 3)
        background = tuple(float(v) for v in (0.4 * hue + 150 if light else 0.5 * hue))
        colour = tuple(float(v) for v in (rng.uniform(0, 90, 3) if light
                                          else rng.uniform(190, 255, 3)))
    return tuple(map(float, background)), tuple(map(float, colour))


def _paper(height: int, width: int, colour: tuple[float, ...], rng: np.random.Generator,
           rich: bool) -> np.ndarray:
    """The plate's paint: flat, or in rich mode often a soft gradient/tint."""
    plate = np.empty((height, width, 3), np.uint8)
    plate[:] = colour
    if rich and rng.random() < 0.5:
        tint = rng.normal(0, 25, (2, 3, 3)).astype(np.float32)
        wash = cv2.resize(tint, (width, height), interpolation=cv2.INTER_CUBIC)
        plate = np.clip(plate + wash, 0, 255).astype(np.uint8)
    return plate


def _small_text(plate: np.ndarray, box: tuple[int, int, int, int], colour: tuple[float, ...],
                rng: np.random.Generator) -> None:
    """A state name / slogan / country line: random words in a small (maybe script) font."""
    words = ["".join(rng.choice(list(string.ascii_letters), int(rng.integers(3, 9))))
             for _ in range(int(rng.integers(1, 4)))]
    text = " ".join(words)
    text = text.upper() if rng.random() < 0.6 else text.capitalize()
    font = _SMALL_FONTS[int(rng.integers(len(_SMALL_FONTS)))]
    draw_text(plate, text_mask(text, font, int(rng.integers(1, 4)), 0.0), box, colour,
              rng.uniform(0.8, 1.3))


def _bolts(plate: np.ndarray, top: int, bottom: int, rng: np.random.Generator) -> None:
    """Two or four screw heads near the top and bottom edges."""
    h, w = plate.shape[:2]
    r = max(2, int(h * rng.uniform(0.03, 0.05)))
    shade = tuple(float(v) for v in rng.uniform(90, 200) * np.ones(3))
    xs = (int(w * rng.uniform(0.15, 0.3)), int(w * rng.uniform(0.7, 0.85)))
    ys = [max(r + 1, top // 2)] + ([min(h - r - 2, h - bottom // 2 - 1)]
                                   if rng.random() < 0.5 else [])
    for y in ys:
        for x in xs:
            cv2.circle(plate, (x, y), r, shade, -1, cv2.LINE_AA)
            cv2.circle(plate, (x, y), r, (40, 40, 40), 1, cv2.LINE_AA)


def _dirt(plate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Soft brownish blotches and a few scratches."""
    h, w = plate.shape[:2]
    stain = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(2, 12))):
        centre = (int(rng.integers(w)), int(rng.integers(h)))
        axes = (int(rng.integers(2, max(3, w // 6))), int(rng.integers(2, max(3, h // 3))))
        cv2.ellipse(stain, centre, axes, float(rng.uniform(0, 180)), 0, 360,
                    float(rng.uniform(0.1, 0.5)), -1)
    blotches = cv2.GaussianBlur(stain, (0, 0), max(1.0, h / 15))[..., None]
    mud = np.array((40, 60, 80), np.float32)
    out = plate.astype(np.float32) * (1 - blotches) + mud * blotches
    for _ in range(int(rng.integers(0, 4))):
        p = (int(rng.integers(w)), int(rng.integers(h)))
        q = (int(p[0] + rng.normal(0, w / 5)), int(p[1] + rng.normal(0, h / 5)))
        cv2.line(out, p, q, tuple(float(v) for v in rng.uniform(60, 230) * np.ones(3)), 1,
                 cv2.LINE_AA)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _mount(plate: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """The plate on a margin of car-body colour (10-25% of its height on every side), seen
    under a slight perspective, as a detector's crop of it would look; and that margin."""
    h, w = plate.shape[:2]
    m = int(h * rng.uniform(0.1, 0.25))
    body = rng.uniform(0, 255, (2, 2, 3)).astype(np.float32)
    out = cv2.resize(body, (w + 2 * m, h + 2 * m), interpolation=cv2.INTER_LINEAR)
    out = out + np.asarray(rng.normal(0, 6, out.shape), np.float32)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    jitter = rng.normal(0, 0.025, (4, 2)) * np.array([w, h]) + m
    matrix = cv2.getPerspectiveTransform(corners, (corners + jitter).astype(np.float32))
    size = (w + 2 * m, h + 2 * m)
    warped = cv2.warpPerspective(plate, matrix, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, size)[..., None]
    out = out * (1 - alpha) + warped.astype(np.float32) * alpha
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), m


def render_plate(rng: np.random.Generator, rich: bool = True, rows: int | None = None,
                 fonts: tuple[Font, ...] = GLYPH_HERSHEY) -> RenderedPlate:
    """A random plate and its text; ``rich`` adds the styles listed in the module doc;
    ``rows`` (1 or 2) fixes the number of character rows, else it is drawn; in rich mode the
    characters are drawn in one of ``fonts`` (``plateplug.data.fonts.glyph_fonts``)."""
    drawn_rows = 2 if rng.random() < (0.3 if rich else 0.4) else 1  # drawn always: same stream
    rows = rows or drawn_rows
    height = int(rng.integers(56, 121) if rich else rng.integers(40, 81))
    aspect = rng.uniform(1.0, 2.0) if rows == 2 else rng.uniform(1.8 if rich else 2.0, 5.0)
    width = int(height * aspect)
    paper, ink = _colours(rng, rich)
    plate = _paper(height, width, paper, rng, rich)
    left = 0
    if rng.random() < 0.3:
        left = max(3, width // 10)
        plate[:, :left] = (150, 60, 20)
        if rich and rng.random() < 0.7:
            code = "".join(rng.choice(list(string.ascii_uppercase), int(rng.integers(1, 4))))
            draw_text(plate, text_mask(code, _FONTS[0], 2, 0.1),
                      (1, int(height * 0.6), left - 1, int(height * 0.85)), (240, 240, 240))
    top = bottom = 4
    if rich and rows == 1:
        top = int(height * rng.uniform(0.16, 0.26)) if rng.random() < 0.55 else 4
        bottom = int(height * rng.uniform(0.14, 0.24)) if rng.random() < 0.45 else 4
    choices = fonts if rich else _FONTS
    font = choices[int(rng.integers(len(choices)))]
    thickness = int(rng.integers(1, 5)) if rich else 2
    spacing = rng.uniform(-0.05, 0.6) if rich else 0.15
    glyphs = list(PLATE_GLYPHS if rich else DETECTOR_GLYPHS)
    row_height = (height - top - bottom) / rows
    texts, bands = [], []
    for row in range(rows):
        per_glyph = row_height * rng.uniform(0.55, 0.8)
        count = int(np.clip((width - left) / per_glyph, 1, 9 if rich else 12))
        chars = "".join(rng.choice(glyphs, count))
        drawn = chars
        if rich and count >= 5 and rng.random() < 0.4:
            cut = int(rng.integers(2, count - 1))
            drawn = chars[:cut] + ("-" if rng.random() < 0.5 else " ") + chars[cut:]
        y0 = int(top + row_height * row + row_height * (0.1 if rich else 0.15))
        y1 = int(top + row_height * (row + 1) - row_height * (0.05 if rich else 0.15))
        box = (left + 4, y0, width - 4, y1)
        stretch = rng.uniform(0.6, 1.4) if rich else 1.0
        draw_text(plate, text_mask(drawn, font, thickness, spacing), box, ink, stretch)
        texts.append(chars)
        bands.append((y0 - _LINE_SLACK * row_height, y1 + _LINE_SLACK * row_height))
    if rich and top > 4:
        _small_text(plate, (left + width // 6, 2, width - width // 6, top - 2), ink, rng)
    if rich and bottom > 4:
        _small_text(plate, (left + width // 8, height - bottom + 2, width - width // 8,
                            height - 2), ink, rng)
    border = int(rng.integers(1, 4)) if not rich else int(rng.integers(0, 6))
    if border:
        cv2.rectangle(plate, (0, 0), (width - 1, height - 1), ink, border)
    if rich:
        if rng.random() < 0.4:
            _bolts(plate, top, bottom, rng)
        if rng.random() < 0.4:
            plate = _dirt(plate, rng)
        plate, margin = _mount(plate, rng)
        bands = [(top + margin, bottom + margin) for top, bottom in bands]
    full = plate.shape[0]
    lines = tuple(TextLine(text, max(0.0, top / full), min(1.0, bottom / full))
                  for text, (top, bottom) in zip(texts, bands, strict=True))
    return RenderedPlate(plate, "".join(texts), lines)
