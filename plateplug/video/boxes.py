"""Read plate boxes per frame from JSONL: ``{"frame": 12, "boxes": [[x1, y1, x2, y2], ...]}``."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from plateplug.video.errors import BoxesFileError

Box = tuple[int, int, int, int]
MAX_COORDINATE = 100_000  # pixels; far beyond any video frame, small enough for every caller


def read_boxes(path: str | os.PathLike[str]) -> dict[int, list[Box]]:
    """Frame index -> boxes. Blank lines are ignored; lines for the same frame are merged."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BoxesFileError(f"boxes file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BoxesFileError(f"cannot read boxes file {path}: {exc}") from None
    frames: dict[int, list[Box]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            frame, boxes = _parse_line(line)
        except ValueError as exc:
            raise BoxesFileError(f"{path}, line {number}: {exc}") from None
        frames.setdefault(frame, []).extend(boxes)
    return frames


def _parse_line(line: str) -> tuple[int, list[Box]]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict) or "frame" not in record or "boxes" not in record:
        raise ValueError('expected an object like {"frame": 12, "boxes": [[x1, y1, x2, y2]]}')
    frame = record["frame"]
    if isinstance(frame, bool) or not isinstance(frame, int) or frame < 0:
        raise ValueError(f'"frame" must be a non-negative integer, got {frame!r}')
    if not isinstance(record["boxes"], list):
        raise ValueError(f'"boxes" must be a list, got {record["boxes"]!r}')
    return frame, [_parse_box(b) for b in record["boxes"]]


def _parse_box(box: Any) -> Box:
    if (not isinstance(box, list) or len(box) != 4
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                    and math.isfinite(v) for v in box)):
        raise ValueError(f"a box must be [x1, y1, x2, y2] numbers, got {box!r}")
    if any(abs(v) > MAX_COORDINATE for v in box):
        raise ValueError(f"box {box!r} has a coordinate beyond +-{MAX_COORDINATE:,} pixels")
    x1, y1, x2, y2 = (round(v) for v in box)
    if x2 <= x1 or y2 <= y1:
        raise ValueError(f"box {box!r} is empty: need x2 > x1 and y2 > y1")
    return x1, y1, x2, y2
