"""``plateplug bench --frames K``: single-frame and multi-frame methods on protocol bursts.

Every validation crop becomes a burst (``protocol.make_burst``: K realistic views, frame 0
aligned with the HR reference). Rows:

- ``bicubic``: frame 0 enlarged (cv2 INTER_CUBIC);
- a single-frame model ``m``: ``m`` on frame 0; ``m, vote over K frames``: ``m`` on each
  frame, each output read, the reads voted per character (``plateplug.reading.vote``);
- a multi-frame model ``m``: ``m.fuse(frames)``; ``m + vote over K windows``: K fusions,
  frame i as the reference with the others after it (the K windows a track of K frames
  gives), each read and voted;
- ``hr``: the reference itself (the OCR ceiling).

OCR rate as the protocol (label substring of the reading); PSNR-Y and SSIM-Y of the output
aligned with frame 0 (vote rows have no single image); ms per track: enhancement and
registration of one burst, reading left out (RapidOCR adds about 1.4 s per read on a 2-core
CPU: ``reads`` per track says how many each row needs).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from plateplug import plugins
from plateplug.bench.baselines import InterpolationEnhancer
from plateplug.bench.read_cache import ReadCache
from plateplug.bench.runner import load_ocr_reader, load_protocol_model
from plateplug.data import metrics
from plateplug.data.datasets import is_validation, read_crops, select
from plateplug.data.protocol import BURST_FRAMES, Burst, make_burst
from plateplug.data.voting import Read, vote
from plateplug.enhancer import Enhancer
from plateplug.errors import PlateplugError
from plateplug.models import EnhancerModel
from plateplug.multiframe import MultiFrameEnhancer, OnnxMultiFrameModel, is_multiframe
from plateplug.readers import PROTOCOL_READER, Reader

DEFAULT_MODELS = ("srgan", "mfsr")
DEFAULT_HEIGHT = 16
HR = "hr"
BICUBIC = "bicubic"
Progress = Callable[[str], None]


@dataclass
class BurstConfig:
    """What to measure on bursts of ``frames`` views; ``models`` are registered names or
    multi-frame ``.onnx`` files (candidates before they ship)."""

    data: Path
    models: Sequence[str] = DEFAULT_MODELS
    frames: int = BURST_FRAMES
    lr_heights: Sequence[int] = (DEFAULT_HEIGHT,)
    split: str | None = None  # None: 'val' for the shared plates layout, else 'all'
    ocr: str | None = PROTOCOL_READER
    limit: int | None = None
    device: str = "auto"
    read_cache: Path | None = None  # reads of images read before (bench.read_cache)


@dataclass
class BurstRow:
    """One method at one LR height over all bursts."""

    method: str
    lr_height: int
    reads: int  # OCR reads per track
    psnr_y: float | None = None
    ssim_y: float | None = None
    ms_per_track: float | None = None
    ocr_read: int | None = None
    ocr_total: int | None = None
    gap_recovered: float | None = None

    @property
    def ocr_rate(self) -> float | None:
        """Share of labelled bursts read (None without OCR)."""
        if self.ocr_read is None or not self.ocr_total:
            return None
        return self.ocr_read / self.ocr_total


@dataclass
class BurstResult:
    """Everything ``run_bursts`` measured."""

    data: str
    split: str
    frames: int
    crops: int
    labelled: int
    reader: str | None
    rows: list[BurstRow] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Plate:
    key: str
    text: str
    bursts: dict[int, Burst]  # LR height -> burst


@dataclass
class _Outcome:
    """Per-burst measurements of one row, before averaging."""

    scores: list[tuple[float, float]] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    reads: list[bool] = field(default_factory=list)


def run_bursts(config: BurstConfig, progress: Progress = lambda _: None) -> BurstResult:
    """Measure every method of ``config`` on protocol bursts; PlateplugError on bad input."""
    if config.frames < 2:
        raise PlateplugError(f"--frames must be at least 2 for bursts, got {config.frames}")
    if not config.lr_heights or min(config.lr_heights) < 4:
        raise PlateplugError("--lr-height must be at least 4 px")
    if config.limit is not None and config.limit < 1:
        raise PlateplugError("--limit must be at least 1")
    cache = ReadCache(config.read_cache) if config.read_cache else None
    heights = sorted(set(config.lr_heights))
    plates, split = _load_plates(config, heights)
    labelled = sum(1 for p in plates if p.text)
    reader, notes = load_ocr_reader(config.ocr, labelled, cache)
    result = BurstResult(str(config.data), split, config.frames, len(plates), labelled,
                         config.ocr if reader else None, notes=notes)
    methods: list[tuple[str, Enhancer]] = [(BICUBIC, InterpolationEnhancer(BICUBIC))]
    for name in config.models:
        loaded = _load(name, config.device, result)
        if loaded is not None:
            methods.append(loaded)
    progress(f"{len(plates)} bursts of {config.frames} frames ({labelled} labelled), split "
             f"{split}; methods: {', '.join(n for n, _ in methods)}")
    for h in heights:
        bursts = [(p.bursts[h], p.text) for p in plates]
        if reader is not None:
            result.rows.append(_ceiling(bursts, reader, h))
        for name, enhancer in methods:
            progress(f"{h} px: {name}")
            result.rows += _measure(name, enhancer, bursts, reader, h, config.frames)
    _fill_gaps(result.rows)
    if cache is not None and reader is not None:
        result.notes.append(cache.summary())
    return result


def _load_plates(config: BurstConfig, heights: list[int]) -> tuple[list[_Plate], str]:
    """The crops to measure, as bursts: labelled ones only when the data has labels (the
    OCR rate needs them), ``limit`` of them evenly spaced."""
    found = read_crops(config.data)
    split = config.split or ("val" if any(is_validation(c.key) for c in found) else "all")
    chosen = select(found, split)
    chosen = [c for c in chosen if c.text] or chosen
    if config.limit is not None and config.limit < len(chosen):
        chosen = [chosen[i * len(chosen) // config.limit] for i in range(config.limit)]
    plates = []
    for crop in chosen:
        image = cv2.imread(str(crop.path), cv2.IMREAD_COLOR)
        if image is None:
            continue
        seed = Path(crop.key).name  # the protocol seeds bursts by file name
        plates.append(_Plate(crop.key, crop.text, {
            h: make_burst(image, h, config.frames, seed_name=seed) for h in heights}))
    if not plates:
        raise PlateplugError(f"no readable plate crops in {config.data} (split {split})")
    return plates, split


def _load(name: str, device: str, result: BurstResult) -> tuple[str, Enhancer] | None:
    """A model to measure, or None (noted in ``result.skipped``) when it cannot run."""
    if name.lower().endswith(".onnx"):  # named by its path, as in the single-frame bench
        path = Path(name)
        model: EnhancerModel = OnnxMultiFrameModel(name, path, f"ONNX file {path}")
    else:
        model = plugins.lookup("enhancer", name).item
    enhancer, reason = load_protocol_model(model, device)
    if enhancer is None:
        result.skipped.append((model.name, reason or "unavailable"))
        return None
    return model.name, enhancer


def _ceiling(bursts: list[tuple[Burst, str]], reader: Reader, h: int) -> BurstRow:
    reads = [metrics.plate_read(text, reader(b.hr)) for b, text in bursts if text]
    return BurstRow(HR, h, 1, ocr_read=sum(reads), ocr_total=len(reads))


def _enhance(enhancer: Enhancer, window: list[np.ndarray]) -> np.ndarray:
    """A multi-frame enhancer fuses the window; a single-frame one enlarges its first frame."""
    if isinstance(enhancer, MultiFrameEnhancer):
        return enhancer.fuse(window)
    return enhancer(window[0])


def _windows(frames: list[np.ndarray]) -> list[list[np.ndarray]]:
    """Frame i as the reference, the other frames after it in order, for each i."""
    return [[frames[i], *frames[:i], *frames[i + 1:]] for i in range(len(frames))]


def _measure(name: str, enhancer: Enhancer, bursts: list[tuple[Burst, str]],
             reader: Reader | None, h: int, k: int) -> list[BurstRow]:
    """The one-image row and, with OCR and unless bicubic, the voted row of a method."""
    multi = is_multiframe(enhancer)
    voted_name = f"{name} + vote over {k} windows" if multi else f"{name}, vote over {k} frames"
    vote_too = reader is not None and name != BICUBIC
    one, voted = _Outcome(), _Outcome()
    _enhance(enhancer, bursts[0][0].frames)  # warm-up
    for burst, text in bursts:
        inputs = _windows(burst.frames) if vote_too else [burst.frames]
        outputs, start = [], time.perf_counter()
        for window in inputs:
            outputs.append(_enhance(enhancer, window))
            if len(outputs) == 1:
                one.ms.append(1000 * (time.perf_counter() - start))
        voted.ms.append(1000 * (time.perf_counter() - start))
        if outputs[0].shape != burst.hr.shape:
            raise PlateplugError(f"{name} returned {outputs[0].shape}; expected "
                                 f"{burst.hr.shape}")
        one.scores.append((metrics.psnr_y(outputs[0], burst.hr),
                           metrics.ssim_y(outputs[0], burst.hr)))
        if reader is None or not text:
            continue
        texts = [reader(out) for out in (outputs if vote_too else outputs[:1])]
        one.reads.append(metrics.plate_read(text, texts[0]))
        if vote_too:
            reads = [r for i, t in enumerate(texts) if (r := Read.from_texts(t, i)) is not None]
            result = vote(reads)
            voted.reads.append(result is not None and metrics.plate_read(text, result.text))
    rows = [_row(name, h, 1, one, reader is not None, images=True)]
    if vote_too:
        rows.append(_row(voted_name, h, k, voted, True, images=False))
    return rows


def _row(method: str, h: int, reads: int, outcome: _Outcome, ocr: bool,
         images: bool) -> BurstRow:
    row = BurstRow(method, h, reads, ms_per_track=statistics.median(outcome.ms))
    if images:
        row.psnr_y = float(np.mean([s[0] for s in outcome.scores]))
        row.ssim_y = float(np.mean([s[1] for s in outcome.scores]))
    if ocr:
        row.ocr_read, row.ocr_total = sum(outcome.reads), len(outcome.reads)
    return row


def _fill_gaps(rows: list[BurstRow]) -> None:
    """Gap recovered = (method - bicubic) / (hr - bicubic) on the OCR rate, per height."""
    for row in rows:
        bicubic = next((r for r in rows if r.method == BICUBIC and r.lr_height == row.lr_height),
                       None)
        ceiling = next((r for r in rows if r.method == HR and r.lr_height == row.lr_height), None)
        if row.method == HR or bicubic is None or ceiling is None or row.ocr_read is None:
            continue
        span = (ceiling.ocr_read or 0) - (bicubic.ocr_read or 0)
        if span:
            row.gap_recovered = (row.ocr_read - (bicubic.ocr_read or 0)) / span
