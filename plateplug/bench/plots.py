"""The report's pictures, drawn with OpenCV primitives only: samples grid and curves."""

from __future__ import annotations

import math
from pathlib import PurePath

import cv2
import numpy as np

from plateplug.bench.results import HR, LR, BenchResult, Cell

FONT = cv2.FONT_HERSHEY_SIMPLEX
BLACK = (0, 0, 0)
GREY = (150, 150, 150)
GREEN = (0, 150, 0)
RED = (0, 0, 210)
BLUE = (160, 80, 0)
GAP = 10
# distinct BGR colours for the curves; baselines first, then models
PALETTE = [(180, 119, 31), (14, 127, 255), (44, 160, 44), (40, 39, 214), (189, 103, 148),
           (75, 86, 140), (194, 119, 227), (34, 189, 188), (207, 190, 23), (127, 127, 127)]
CELL_H = 96
TEXT_H = 22
MAX_CELL_W = 420


def _text(img: np.ndarray, text: str, org: tuple[int, int], color=BLACK, scale: float = 0.45,
          thickness: int = 1) -> None:
    cv2.putText(img, text, org, FONT, scale, color, thickness, cv2.LINE_AA)


def _text_width(text: str, scale: float = 0.45, thickness: int = 1) -> int:
    return cv2.getTextSize(text, FONT, scale, thickness)[0][0]


def sample_columns(result: BenchResult) -> list[str]:
    """LR, bicubic, each model, HR: the columns of the samples grid."""
    models = [m.name for m in result.methods if m.kind == "model"]
    return [LR, "bicubic", *models, HR]


def samples_grid(result: BenchResult) -> np.ndarray:
    """Rows: sample crops; columns: LR (nearest-enlarged), bicubic, models, HR.

    Under each cell the OCR reading, green when the plate counts as read, red when not.
    """
    columns = sample_columns(result)
    titles = [_column_title(result, col) for col in columns]
    label_w = 100
    widths = []
    for col, title in zip(columns, titles):
        cells = [s.cells[col] for s in result.samples if col in s.cells]
        w = max((_cell_width(c) for c in cells), default=60)
        widths.append(max(w, _text_width(title) + 8, 90))
    title_h, head_h, row_h = 30, 24, CELL_H + TEXT_H + 6
    width = label_w + sum(widths) + GAP * len(columns)
    height = title_h + head_h + row_h * max(1, len(result.samples))
    canvas = np.full((height, width, 3), 255, np.uint8)
    track, lr_h = result.sample_setting or ("", 0)
    legend = " (OCR reading: green = plate read, red = not)" if result.has_ocr else ""
    _text(canvas, f"Samples: {track} track, {lr_h} px LR -> x4{legend}", (6, 20), scale=0.55)
    x = label_w
    for col, title, w in zip(columns, titles, widths):
        _text(canvas, title, (x + 4, title_h + 16), BLACK if col in (LR, HR) else BLUE)
        x += w + GAP
    for r, sample in enumerate(result.samples):
        y = title_h + head_h + r * row_h
        _text(canvas, sample.label or "(no label)", (4, y + CELL_H // 2))
        _text(canvas, PurePath(sample.key).name[-16:], (4, y + CELL_H // 2 + 18), GREY,
              scale=0.35)
        x = label_w
        for col, w in zip(columns, widths):
            cell = sample.cells.get(col)
            if cell is not None:
                _draw_cell(canvas, cell, x, y)
            x += w + GAP
    return canvas


def _column_title(result: BenchResult, column: str) -> str:
    """The column name, with its OCR rate over all crops at the samples' setting."""
    row = result.row(column, *result.sample_setting) if result.sample_setting else None
    rate = row.ocr_rate if row is not None else None
    return column if rate is None else f"{column}  (OCR {rate:.2f})"


def _cell_width(cell: Cell) -> int:
    h, w = cell.image.shape[:2]
    return min(MAX_CELL_W, max(1, round(w * CELL_H / h)))


def _draw_cell(canvas: np.ndarray, cell: Cell, x: int, y: int) -> None:
    w = _cell_width(cell)
    h = min(CELL_H, round(cell.image.shape[0] * w / cell.image.shape[1]))
    image = cell.image if cell.image.ndim == 3 else cv2.cvtColor(cell.image, cv2.COLOR_GRAY2BGR)
    canvas[y:y + h, x:x + w] = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    if cell.reading is not None:
        color = GREEN if cell.correct else RED
        _text(canvas, cell.reading or "(nothing)", (x + 2, y + CELL_H + 16), color,
              scale=0.5, thickness=2)


def _colors(result: BenchResult) -> dict[str, tuple[int, int, int]]:
    names = [m.name for m in result.methods]
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)} | {HR: BLACK}


def curves(result: BenchResult) -> np.ndarray:
    """OCR rate (when measured) and PSNR-Y against LR height: one panel per track and metric."""
    metrics = ([("OCR rate", "ocr_rate")] if result.has_ocr else []) + [("PSNR-Y dB", "psnr_y")]
    pw, ph = 440, 300
    colors = _colors(result)
    legend_w = 150
    canvas = np.full((ph * len(result.tracks) + 10, pw * len(metrics) + legend_w, 3), 255,
                     np.uint8)
    for r, track in enumerate(result.tracks):
        for c, (title, attr) in enumerate(metrics):
            panel = canvas[r * ph:(r + 1) * ph, c * pw:(c + 1) * pw]
            _panel(panel, result, track, title, attr, colors)
    _legend(canvas, result, colors, pw * len(metrics) + 10)
    return canvas


def _series(result: BenchResult, method: str, track: str, attr: str) -> list[tuple[int, float]]:
    points = []
    for h in sorted(result.lr_heights):
        row = result.row(method, track, h)
        value = getattr(row, attr) if row is not None else None
        if value is not None and math.isfinite(value):
            points.append((h, float(value)))
    return points


def _axis_range(values: list[float], attr: str) -> tuple[float, float, float]:
    if attr == "ocr_rate":
        return 0.0, 1.0, 0.2
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    lo, hi = math.floor(lo - 0.5), math.ceil(hi + 0.5)
    return lo, hi, 1.0 if hi - lo <= 8 else 2.0


def _panel(panel: np.ndarray, result: BenchResult, track: str, title: str, attr: str,
           colors: dict[str, tuple[int, int, int]]) -> None:
    names = ([HR] if attr == "ocr_rate" else []) + [m.name for m in result.methods]
    series = {n: _series(result, n, track, attr) for n in names}
    lo, hi, step = _axis_range([v for pts in series.values() for _, v in pts], attr)
    heights = sorted(result.lr_heights)
    left, right, top, bottom = 55, panel.shape[1] - 15, 35, panel.shape[0] - 40
    h_lo, h_hi = heights[0] - 1, heights[-1] + 1

    def to_px(h: float, v: float) -> tuple[int, int]:
        x = left + (h - h_lo) / (h_hi - h_lo) * (right - left)
        y = bottom - (v - lo) / (hi - lo) * (bottom - top)
        return round(x), round(y)

    _text(panel, f"{title}, {track} track", (left, 22), scale=0.55, thickness=1)
    v = lo
    while v <= hi + 1e-9:
        y = to_px(h_lo, v)[1]
        cv2.line(panel, (left, y), (right, y), (230, 230, 230), 1)
        _text(panel, f"{v:.1f}" if step < 1 else f"{v:.0f}", (8, y + 4), GREY, scale=0.4)
        v += step
    for h in heights:
        x = to_px(h, lo)[0]
        cv2.line(panel, (x, bottom), (x, bottom + 4), BLACK, 1)
        _text(panel, str(h), (x - 8, bottom + 18), scale=0.4)
    _text(panel, "LR height (px)", ((left + right) // 2 - 50, bottom + 34), GREY, scale=0.4)
    cv2.rectangle(panel, (left, top), (right, bottom), BLACK, 1)
    kinds = {m.name: m.kind for m in result.methods}
    for name, pts in series.items():
        px = [to_px(h, val) for h, val in pts]
        thick = 3 if kinds.get(name) == "model" else 1
        for a, b in zip(px, px[1:]):
            if name == HR:
                _dashed(panel, a, b, colors[name])
            else:
                cv2.line(panel, a, b, colors[name], thick, cv2.LINE_AA)
        for p in px:
            cv2.circle(panel, p, thick + 2, colors[name], -1, cv2.LINE_AA)


def _dashed(img: np.ndarray, a: tuple[int, int], b: tuple[int, int], color) -> None:
    length = max(1.0, math.dist(a, b))
    steps = int(length // 8)
    for k in range(0, steps, 2):
        p = (round(a[0] + (b[0] - a[0]) * k / steps), round(a[1] + (b[1] - a[1]) * k / steps))
        q = (round(a[0] + (b[0] - a[0]) * (k + 1) / steps),
             round(a[1] + (b[1] - a[1]) * (k + 1) / steps))
        cv2.line(img, p, q, color, 1, cv2.LINE_AA)


def _legend(canvas: np.ndarray, result: BenchResult, colors, x: int) -> None:
    entries = ([(f"{HR} (ceiling)", HR, 1)] if result.has_ocr else []) + [
        (m.name, m.name, 3 if m.kind == "model" else 1) for m in result.methods]
    _text(canvas, "method", (x, 25), scale=0.5, thickness=2)
    for i, (label, name, thick) in enumerate(entries):
        y = 50 + 22 * i
        cv2.line(canvas, (x, y - 4), (x + 26, y - 4), colors[name], thick + 1, cv2.LINE_AA)
        _text(canvas, label, (x + 32, y), scale=0.45, thickness=2 if thick == 3 else 1)
