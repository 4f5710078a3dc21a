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
    """Quality of one method (or the ``hr`` ceiling) on one track at one LR height, over
    all crops or over one ``source`` (eu2, br, scenes, ...)."""

    method: str
    track: str
    lr_height: int
    crops: int
    psnr_y: float | None = None
    ssim_y: float | None = None
    ocr_read: int | None = None
    ocr_total: int | None = None
    gap_recovered: float | None = None
    source: str = ""  # "" = all crops

    @property
    def ocr_rate(self) -> float | None:
        """Share of labelled crops read correctly, or None without OCR."""
        if self.ocr_read is None or not self.ocr_total:
            return None
        return self.ocr_read / self.ocr_total


@dataclass(frozen=True)
class WorstSource:
    """In one setting, the source where the best model (``method``) recovers the least."""

    track: str
    lr_height: int
    source: str
    method: str
    gap_recovered: float


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
    agreement_crops: int = 0  # scenes crops: OCR judged by agreement with the HR reading
    methods: list[Method] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    source_rows: list[Row] = field(default_factory=list)  # per source, when several
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    sample_setting: tuple[str, int] | None = None
    speed_crop: tuple[int, int] | None = None  # (height, width) of the batch-1 crop
    torch_compare: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_ocr(self) -> bool:
        """True when OCR columns are real (a reader ran on labelled or scenes crops)."""
        return self.reader is not None and self.labelled + self.agreement_crops > 0

    def row(self, method: str, track: str, lr_height: int, source: str = "") -> Row | None:
        """The row of ``method`` on ``track`` at ``lr_height`` (of ``source``), if measured."""
        for r in self.source_rows if source else self.rows:
            if (r.method, r.track, r.lr_height, r.source) == (method, track, lr_height, source):
                return r
        return None

    @property
    def sources(self) -> list[str]:
        """The sources with rows of their own (empty when the crops are all one source)."""
        return sorted({r.source for r in self.source_rows})

    def worst_sources(self) -> list[WorstSource]:
        """Per setting, the source on which the best model recovers the least OCR gap."""
        models = [m.name for m in self.methods if m.kind == "model"]
        out = []
        for track in self.tracks:
            for h in self.lr_heights:
                best: list[WorstSource] = []
                for source in self.sources:
                    rows = [r for m in models if (r := self.row(m, track, h, source))
                            and r.gap_recovered is not None]
                    if rows:
                        top = max(rows, key=lambda r: r.gap_recovered or 0.0)
                        best.append(WorstSource(track, h, source, top.method,
                                                top.gap_recovered or 0.0))
                if best:
                    out.append(min(best, key=lambda w: w.gap_recovered))
        return out
