"""What a benchmark run produces: the numbers per method/track/height, speed, and samples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from plateplug.bench.speed import Speed

HR = "hr"  # the reference, the OCR ceiling
LR = "LR"  # the input, nearest-enlarged in the samples grid


@dataclass
class Method:
    """One measured method: a baseline or a model (``kind``), with its facts and speed."""

    name: str
    kind: str  # "baseline" or "model"
    providers: list[str] = field(default_factory=list)
    parameters: int | None = None
    file_size: int | None = None
    description: str = ""
    speed: Speed | None = None


@dataclass
class Row:
    """Quality of one method (or the ``hr`` ceiling) on one track at one LR height."""

    method: str
    track: str
    lr_height: int
    crops: int
    psnr_y: float | None = None
    ssim_y: float | None = None
    ocr_read: int | None = None
    ocr_total: int | None = None
    gap_recovered: float | None = None

    @property
    def ocr_rate(self) -> float | None:
        """Share of labelled crops read correctly, or None without OCR."""
        if self.ocr_read is None or not self.ocr_total:
            return None
        return self.ocr_read / self.ocr_total


@dataclass
class Cell:
    """One image of the samples grid with what the reader saw in it."""

    image: np.ndarray
    reading: str | None = None
    correct: bool | None = None


@dataclass
class Sample:
    """One row of the samples grid: a crop and its cells by column title."""

    key: str
    label: str
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class BenchResult:
    """Everything a report shows."""

    data: str
    split: str
    crops: int
    labelled: int
    lr_heights: list[int]
    tracks: list[str]
    reader: str | None
    methods: list[Method] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    sample_setting: tuple[str, int] | None = None
    speed_crop: tuple[int, int] | None = None  # (height, width) of the batch-1 crop
    torch_compare: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_ocr(self) -> bool:
        """True when OCR columns are real (a reader ran on labelled crops)."""
        return self.reader is not None and self.labelled > 0

    def row(self, method: str, track: str, lr_height: int) -> Row | None:
        """The row of ``method`` on ``track`` at ``lr_height``, if measured."""
        for r in self.rows:
            if (r.method, r.track, r.lr_height) == (method, track, lr_height):
                return r
        return None
