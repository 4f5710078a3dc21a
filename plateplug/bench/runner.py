"""Run the benchmark: build protocol pairs, enhance them with every method, measure.

Every method (baselines and models) goes through the same ``Enhancer`` interface in the
same process, so quality and speed numbers are comparable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from plateplug import plugins
from plateplug.bench import metrics, speed
from plateplug.bench.baselines import load_baselines
from plateplug.bench.protocol import SCALE, TRACKS, Pair, make_pair
from plateplug.bench.results import HR, LR, BenchResult, Cell, Method, Row, Sample
from plateplug.bench.torch_compare import compare_with_torch, load_checkpoint
from plateplug.datasets import PlateCrop, is_validation, read_crops, select
from plateplug.enhancer import Enhancer
from plateplug.errors import MissingExtraError, PlateplugError
from plateplug.models import EnhancerModel, OnnxModel
from plateplug.readers import Reader, load_reader

DEFAULT_HEIGHTS = (16, 20, 24)
SPEED_HEIGHT = 20
SPEED_WIDTH = 60  # batch-1 timing on a 20 x 60 crop, the size the model targets name
SAMPLE_ROWS = 6
Progress = Callable[[str], None]


@dataclass
class BenchConfig:
    """What to measure; ``models=None`` means every registered, trained enhancer."""

    data: Path
    models: Sequence[str] | None = None
    lr_heights: Sequence[int] = DEFAULT_HEIGHTS
    tracks: Sequence[str] = TRACKS
    split: str | None = None  # None: 'val' for the shared plates layout, else 'all'
    ocr: str | None = "rapidocr"  # reader name, None for no OCR
    baselines: Path | None = None
    limit: int | None = None
    device: str = "auto"
    torch_compare: Sequence[Path] = field(default_factory=tuple)  # training checkpoints
    sample_rows: int = SAMPLE_ROWS


@dataclass
class _Crop:
    crop: PlateCrop
    image: np.ndarray
    pairs: dict[tuple[str, int], Pair]


def run_bench(config: BenchConfig, progress: Progress = lambda _: None) -> BenchResult:
    """Measure every method of ``config``; raises PlateplugError on unusable input."""
    _check(config)
    heights, tracks = sorted(set(config.lr_heights)), list(dict.fromkeys(config.tracks))
    crops, split, notes = _load_crops(config, heights, tracks)
    labelled = sum(1 for c in crops if c.crop.text)
    reader, reader_note = _load_reader(config.ocr, labelled)
    result = BenchResult(
        data=str(config.data), split=split, crops=len(crops), labelled=labelled,
        lr_heights=heights, tracks=tracks, reader=config.ocr if reader else None,
        notes=notes + reader_note,
        sample_setting=("realistic" if "realistic" in tracks else tracks[0], heights[0]),
    )
    enhancers = _load_methods(config, result)
    sample_ids = _sample_ids(crops, config.sample_rows)
    result.samples = [Sample(crops[i].crop.key, crops[i].crop.text) for i in sample_ids]
    reads = labelled * len(heights) * (1 + len(tracks) * len(enhancers)) if reader else 0
    progress(f"{len(crops)} crops ({labelled} labelled), split {split}; methods: "
             f"{', '.join(m.name for m in result.methods)}; {reads} OCR reads")

    hr_hits = _measure_ceiling(crops, result, reader, progress)
    for method, enhancer in list(zip(result.methods, enhancers)):
        progress(f"quality: {method.name}")
        try:
            _measure_quality(method.name, enhancer, crops, reader, result, sample_ids)
        except Exception as exc:  # one broken plugin must not end a long run
            if method.kind != "model":
                raise
            _drop(result, enhancers, method, f"failed during the run: {exc!r}")
    _fill_gaps(result, hr_hits)
    _fill_sample_context(crops, sample_ids, reader, result)
    batch = [_speed_lr(c) for c in crops]
    median = sorted(batch, key=lambda b: b.shape[1])[len(batch) // 2]
    crop = cv2.resize(median, (SPEED_WIDTH, SPEED_HEIGHT), interpolation=cv2.INTER_AREA)
    result.speed_crop = crop.shape[:2]
    for method, enhancer in zip(result.methods, enhancers):
        progress(f"speed: {method.name}")
        method.speed = speed.measure(enhancer, crop, batch)
    by_name = dict(zip((m.name for m in result.methods), enhancers))
    for checkpoint in config.torch_compare:
        progress(f"torch comparison: {checkpoint}")
        _compare_torch(Path(checkpoint), by_name, crop, batch, result)
    return result


def _drop(result: BenchResult, enhancers: list[Enhancer], method: Method, reason: str) -> None:
    """Remove a method that failed from everything measured so far."""
    enhancers.pop(result.methods.index(method))
    result.methods.remove(method)
    result.rows = [r for r in result.rows if r.method != method.name]
    for sample in result.samples:
        sample.cells.pop(method.name, None)
    result.skipped.append((method.name, reason))


def _compare_torch(checkpoint: Path, enhancers: dict[str, Enhancer], crop: np.ndarray,
                   batch: list[np.ndarray], result: BenchResult) -> None:
    try:
        name, module = load_checkpoint(checkpoint)
        if name not in enhancers:
            raise PlateplugError(f"its model {name!r} was not measured in this run")
        result.torch_compare.append(
            compare_with_torch(enhancers[name], module, checkpoint, crop, batch))
    except PlateplugError as exc:
        result.notes.append(f"torch comparison with {checkpoint} skipped: {exc}")


def _check(config: BenchConfig) -> None:
    if not config.lr_heights or any(h < 4 for h in config.lr_heights):
        raise PlateplugError("--lr-height must be at least 4 px")
    bad = [t for t in config.tracks if t not in TRACKS]
    if bad or not config.tracks:
        raise PlateplugError(f"unknown track {bad}; use {', '.join(TRACKS)}")
    if config.limit is not None and config.limit < 1:
        raise PlateplugError("--limit must be at least 1")


def _load_crops(config: BenchConfig, heights: list[int],
                tracks: list[str]) -> tuple[list[_Crop], str, list[str]]:
    found = read_crops(config.data)
    split = config.split or ("val" if any(is_validation(c.key) for c in found) else "all")
    chosen = select(found, split)
    if config.limit is not None and config.limit < len(chosen):
        n = len(chosen)  # evenly spaced, so every source folder stays represented
        chosen = [chosen[i * n // config.limit] for i in range(config.limit)]
    crops, unreadable = [], []
    for crop in chosen:
        image = cv2.imread(str(crop.path), cv2.IMREAD_COLOR)
        if image is None:
            unreadable.append(crop.key)
            continue
        seed = Path(crop.key).name  # the protocol seeds the realistic track by file name
        pairs = {(t, h): make_pair(image, h, t, seed_name=seed)
                 for h in heights for t in tracks}
        crops.append(_Crop(crop, image, pairs))
    notes = []
    if unreadable:
        notes.append(f"{len(unreadable)} unreadable images left out "
                     f"(first: {unreadable[0]})")
    if not crops:
        raise PlateplugError(f"no readable plate crops in {config.data} (split {split})")
    return crops, split, notes


def _load_reader(name: str | None, labelled: int) -> tuple[Reader | None, list[str]]:
    if name is None:
        return None, ["OCR not run (--ocr none): OCR columns left out"]
    if labelled == 0:
        return None, ["no crop has a text label: OCR columns left out"]
    try:
        return load_reader(name), []
    except MissingExtraError as exc:
        return None, [f"OCR skipped: {exc}"]


def _load_methods(config: BenchConfig, result: BenchResult) -> list[Enhancer]:
    baselines, notes = load_baselines(config.baselines)
    result.notes += notes
    enhancers: list[Enhancer] = []
    for b in baselines:
        result.methods.append(Method(b.enhancer.name, "baseline", b.enhancer.providers,
                                     b.info.get("parameters"), b.info.get("file_size")))
        enhancers.append(b.enhancer)
    names = config.models if config.models is not None else sorted(plugins.registry("enhancer"))
    for name in names:
        model = _model(name)
        name = model.name
        reason = model.unavailable_reason()
        if reason is None:
            try:
                enhancer = model.load(device=config.device)
                info = model.info()
            except PlateplugError as exc:
                reason = f"failed to load: {exc}"
            else:
                if enhancer.scale != SCALE:
                    reason = f"scale x{enhancer.scale}; the benchmark protocol is x{SCALE}"
        if reason is not None:
            result.skipped.append((name, reason))
            continue
        result.methods.append(Method(name, "model", enhancer.providers, info.get("parameters"),
                                     info.get("file_size"), model.description))
        enhancers.append(enhancer)
    return enhancers


def _model(name: str) -> EnhancerModel:
    """A registered enhancer, or an ``.onnx`` file with plateplug metadata (a candidate
    before it is shipped), named after the file."""
    if name.lower().endswith(".onnx"):
        path = Path(name)
        return OnnxModel(path.stem, path, f"ONNX file {path}")
    return plugins.lookup("enhancer", name).item


def _sample_ids(crops: list[_Crop], rows: int) -> list[int]:
    pool = [i for i, c in enumerate(crops) if c.crop.text] or list(range(len(crops)))
    rows = min(rows, len(pool))
    return [pool[k * len(pool) // rows] for k in range(rows)]


def _read(reader: Reader, image: np.ndarray, label: str) -> tuple[str, bool]:
    text = metrics.normalise_text("".join(reader(image)))
    return text, metrics.plate_read(label, text)


def _measure_ceiling(crops: list[_Crop], result: BenchResult, reader: Reader | None,
                     progress: Progress) -> dict[int, int]:
    """OCR of the hr references (the same for both tracks); returns hits per LR height."""
    hits: dict[int, int] = {}
    if reader is None:
        return hits
    progress("quality: hr (OCR ceiling)")
    labelled = [c for c in crops if c.crop.text]
    track0 = result.tracks[0]
    for h in result.lr_heights:
        hits[h] = sum(_read(reader, c.pairs[track0, h].hr, c.crop.text)[1] for c in labelled)
        for t in result.tracks:
            result.rows.append(Row(HR, t, h, len(crops), ocr_read=hits[h],
                                   ocr_total=len(labelled)))
    return hits


def _enhance_by_shape(enhancer: Enhancer, images: list[np.ndarray]) -> list[np.ndarray]:
    """Enhance crops in batches of equal size, so no padding changes any result."""
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, img in enumerate(images):
        groups[img.shape].append(i)
    out: list[np.ndarray | None] = [None] * len(images)
    for ids in groups.values():
        for i, enhanced in zip(ids, enhancer.enhance_batch([images[i] for i in ids])):
            out[i] = enhanced
    return out  # type: ignore[return-value]


def _measure_quality(name: str, enhancer: Enhancer, crops: list[_Crop], reader: Reader | None,
                     result: BenchResult, sample_ids: list[int]) -> None:
    for track in result.tracks:
        for h in result.lr_heights:
            pairs = [c.pairs[track, h] for c in crops]
            outputs = _enhance_by_shape(enhancer, [p.lr for p in pairs])
            for p, out in zip(pairs, outputs):
                if out.shape != p.hr.shape:
                    raise PlateplugError(f"{name} returned {out.shape} for an input of "
                                         f"{p.lr.shape}; expected {p.hr.shape}")
            row = Row(name, track, h, len(crops),
                      psnr_y=float(np.mean([metrics.psnr_y(o, p.hr)
                                            for o, p in zip(outputs, pairs)])),
                      ssim_y=float(np.mean([metrics.ssim_y(o, p.hr)
                                            for o, p in zip(outputs, pairs)])))
            readings: dict[int, tuple[str, bool]] = {}
            if reader is not None:
                readings = {i: _read(reader, out, c.crop.text)
                            for i, (c, out) in enumerate(zip(crops, outputs)) if c.crop.text}
                row.ocr_read = sum(ok for _, ok in readings.values())
                row.ocr_total = len(readings)
            result.rows.append(row)
            if (track, h) == result.sample_setting:
                for sample, i in zip(result.samples, sample_ids):
                    text, ok = readings.get(i, (None, None))
                    sample.cells[name] = Cell(outputs[i], text, ok)


def _fill_gaps(result: BenchResult, hr_hits: dict[int, int]) -> None:
    """Gap recovered = (model - bicubic) / (hr - bicubic), on the OCR rate."""
    for row in result.rows:
        if row.method == HR or row.ocr_read is None or row.lr_height not in hr_hits:
            continue
        bicubic = result.row("bicubic", row.track, row.lr_height)
        if bicubic is None or bicubic.ocr_read is None:
            continue
        span = hr_hits[row.lr_height] - bicubic.ocr_read
        if span != 0:
            row.gap_recovered = (row.ocr_read - bicubic.ocr_read) / span


def _fill_sample_context(crops: list[_Crop], sample_ids: list[int], reader: Reader | None,
                         result: BenchResult) -> None:
    """Add the LR (nearest-enlarged) and HR cells of the samples grid."""
    for sample, i in zip(result.samples, sample_ids):
        pair = crops[i].pairs[result.sample_setting]
        hh, hw = pair.hr.shape[:2]
        lr_big = cv2.resize(pair.lr, (hw, hh), interpolation=cv2.INTER_NEAREST)
        for column, image in ((LR, lr_big), (HR, pair.hr)):
            text, ok = _read(reader, image, sample.label) if reader and sample.label else \
                (None, None)
            sample.cells[column] = Cell(image, text, ok)


def _speed_lr(crop: _Crop) -> np.ndarray:
    """The clean LR of a crop at the protocol's speed height (20 px)."""
    return make_pair(crop.image, SPEED_HEIGHT, "clean").lr
