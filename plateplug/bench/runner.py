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
from plateplug.bench import speed
from plateplug.bench.baselines import load_baselines
from plateplug.bench.read_cache import ReadCache
from plateplug.bench.results import HR, LR, BenchResult, Cell, Method, Row, Sample
from plateplug.bench.torch_compare import compare_with_torch, load_checkpoint
from plateplug.data import metrics
from plateplug.data.datasets import PlateCrop, crop_boxes, is_validation, read_crops, select
from plateplug.data.protocol import SCALE, TRACKS, Pair, make_pair
from plateplug.enhancer import Enhancer
from plateplug.errors import MissingExtraError, PlateplugError
from plateplug.models import EnhancerModel, enhancer_model
from plateplug.readers import PROTOCOL_READER, Reader, load_reader

DEFAULT_HEIGHTS = (16, 20, 24)
SPEED_HEIGHT = 20
SPEED_WIDTH = 60  # batch-1 timing on a 20 x 60 crop, the size the model targets name
SAMPLE_ROWS = 6
TOP_LEVEL = "(top level)"  # the source of crops not in a sub-folder
SCENES = "scenes"  # the source name of the scenes crops
SCENES_MIN_BOX = 48  # scenes boxes lower than this are too small for a 4x reference
SCENES_MARGIN = 0.0  # the labelled box: LR height is the plate's, as in the plate folders
MIN_AGREEMENT_CHARS = 4  # a scenes crop counts for OCR when its HR plate line has this many
Progress = Callable[[str], None]


@dataclass
class BenchConfig:
    """What to measure; ``models=None`` means every registered, trained enhancer."""

    data: Path
    models: Sequence[str] | None = None
    lr_heights: Sequence[int] = DEFAULT_HEIGHTS
    tracks: Sequence[str] = TRACKS
    split: str | None = None  # None: 'val' for the shared plates layout, else 'all'
    ocr: str | None = PROTOCOL_READER  # reader name, None for no OCR
    baselines: Path | None = None
    limit: int | None = None
    device: str = "auto"
    torch_compare: Sequence[Path] = field(default_factory=tuple)  # training checkpoints
    sample_rows: int = SAMPLE_ROWS
    scenes: Path | None = None  # scenes folder: its valid boxes are one more source
    scenes_margin: float = SCENES_MARGIN  # share of the box height added on every side
    read_cache: Path | None = None  # reads of images read before (bench.read_cache)
    sources: Sequence[str] = ()  # keep only these sources (source_of; 'scenes'); () all


@dataclass
class _Crop:
    """A crop, its protocol pairs and labels. ``agreement`` crops (scenes) have no text: at
    each LR height their label is the plate line the reader sees in the HR reference
    (``metrics.plate_line``), and a reading is correct when it holds that, as for a label."""

    key: str
    text: str
    source: str
    image: np.ndarray
    pairs: dict[tuple[str, int], Pair]
    agreement: bool = False
    labels: dict[int, str] = field(default_factory=dict)  # LR height -> label

    def correct(self, h: int, reading: str) -> bool | None:
        """Whether ``reading`` (normalised) is right at height ``h``; None if unlabelled."""
        label = self.labels.get(h, "")
        if not label:
            return None
        return metrics.plate_read(label, reading)


def source_of(key: str) -> str:
    """The source of a crop: the first folder of its key (eu2, br, scenes, ...)."""
    return key.split("/", 1)[0] if "/" in key else TOP_LEVEL


def run_bench(config: BenchConfig, progress: Progress = lambda _: None) -> BenchResult:
    """Measure every method of ``config``; raises PlateplugError on unusable input."""
    _check(config)
    cache = ReadCache(config.read_cache) if config.read_cache else None
    heights, tracks = sorted(set(config.lr_heights)), list(dict.fromkeys(config.tracks))
    crops, split, notes = _load_crops(config, heights, tracks)
    labelled = sum(1 for c in crops if c.text)
    agreement = sum(c.agreement for c in crops)
    reader, reader_note = load_ocr_reader(config.ocr, labelled + agreement, cache)
    result = BenchResult(
        data=str(config.data), split=split, crops=len(crops), labelled=labelled,
        agreement_crops=agreement,
        lr_heights=heights, tracks=tracks, reader=config.ocr if reader else None,
        notes=notes + reader_note,
        sample_setting=("realistic" if "realistic" in tracks else tracks[0], heights[0]),
    )
    enhancers = _load_methods(config, result)
    sample_ids = _sample_ids(crops, config.sample_rows)
    result.samples = [Sample(crops[i].key, crops[i].text) for i in sample_ids]
    read_crops_n = labelled + agreement
    reads = read_crops_n * len(heights) * (1 + len(tracks) * len(enhancers)) if reader else 0
    progress(f"{len(crops)} crops ({labelled} labelled, {agreement} scenes crops judged by "
             f"agreement with HR), split {split}; methods: "
             f"{', '.join(m.name for m in result.methods)}; {reads} OCR reads")

    _measure_ceiling(crops, result, reader, progress)
    for method, enhancer in list(zip(result.methods, enhancers)):
        progress(f"quality: {method.name}")
        try:
            _measure_quality(method.name, enhancer, crops, reader, result, sample_ids)
        except Exception as exc:  # one broken plugin must not end a long run
            if method.kind != "model":
                raise
            _drop(result, enhancers, method, f"failed during the run: {exc!r}")
    _fill_gaps(result.rows)
    _fill_gaps(result.source_rows)
    _fill_sample_context(crops, sample_ids, reader, result)
    if cache is not None and reader is not None:
        result.notes.append(cache.summary())
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
    if not 0 <= config.scenes_margin <= 1:
        raise PlateplugError("--scenes-margin must be between 0 and 1")


def _margin_words(margin: float) -> str:
    """How the scenes boxes were cropped, for the report's notes."""
    if margin == 0:
        return "cropped to the labelled box (the LR height is the plate's)"
    return f"each box widened by {margin:g} of its height on every side"


def _spread(items: list, limit: int | None) -> list:
    """``limit`` items evenly spaced over ``items`` (so every source folder stays in)."""
    if limit is None or limit >= len(items):
        return items
    return [items[i * len(items) // limit] for i in range(limit)]


def _check_sources(config: BenchConfig, found: list[PlateCrop]) -> set[str]:
    """The sources ``config.sources`` asks for (empty: all); an unknown one is an error."""
    known = {source_of(c.key) for c in found} | ({SCENES} if config.scenes is not None else set())
    unknown = [s for s in config.sources if s not in known]
    if unknown:
        raise PlateplugError(f"unknown source {unknown[0]!r}: the data has "
                             f"{', '.join(sorted(known))}")
    return set(config.sources)


def _load_crops(config: BenchConfig, heights: list[int],
                tracks: list[str]) -> tuple[list[_Crop], str, list[str]]:
    found = read_crops(config.data)
    split = config.split or ("val" if any(is_validation(c.key) for c in found) else "all")
    wanted = _check_sources(config, found)
    images, unreadable = [], []
    kept = [c for c in select(found, split) if not wanted or source_of(c.key) in wanted]
    for crop in _spread(kept, config.limit):
        image = cv2.imread(str(crop.path), cv2.IMREAD_COLOR)
        if image is None:
            unreadable.append(crop.key)
        else:
            images.append((crop.key, crop.text, image, False))
    if config.scenes is not None and (not wanted or SCENES in wanted):
        boxes = Path(config.scenes) / "boxes.csv"
        scenes = crop_boxes(boxes, "valid", SCENES, margin=config.scenes_margin,
                            min_box_height=SCENES_MIN_BOX)
        images += [(key, "", image, True) for key, image in _spread(scenes, config.limit)]
    crops = []
    for key, text, image, agreement in images:
        seed = Path(key).name  # the protocol seeds the realistic track by file name
        pairs = {(t, h): make_pair(image, h, t, seed_name=seed)
                 for h in heights for t in tracks}
        labels = {} if agreement else {h: text for h in heights if text}
        crops.append(_Crop(key, text, source_of(key), image, pairs, agreement, labels))
    notes = []
    if unreadable:
        notes.append(f"{len(unreadable)} unreadable images left out "
                     f"(first: {unreadable[0]})")
    if config.scenes is not None:
        notes.append(f"scenes: plates of the valid split of {config.scenes} at least "
                     f"{SCENES_MIN_BOX} px high, {_margin_words(config.scenes_margin)}; no text "
                     "labels, so their OCR rate is the agreement with HR: a reading counts as "
                     "correct when it holds the plate line read in the HR reference (its text "
                     f"boxes at least {metrics.PLATE_LINE_RATIO} of the tallest one's height, "
                     "so state names and slogans are left out), as a reading holds a label "
                     f"(crops whose HR plate line has fewer than {MIN_AGREEMENT_CHARS} "
                     "characters are left out of OCR)")
    if not crops:
        raise PlateplugError(f"no readable plate crops in {config.data} (split {split})")
    return crops, split, notes


def load_ocr_reader(name: str | None, readable: int,
                    cache: ReadCache | None = None) -> tuple[Reader | None, list[str]]:
    """The OCR reader ``name`` for ``readable`` crops with something to compare (answering
    from ``cache`` when given), or None with the note that says why OCR is left out (not
    asked for, nothing labelled, extra missing)."""
    if name is None:
        return None, ["OCR not run (--ocr none): OCR columns left out"]
    if readable == 0:
        return None, ["no crop has a text label: OCR columns left out"]
    try:
        reader = load_reader(name)
    except MissingExtraError as exc:
        return None, [f"OCR skipped: {exc}"]
    return (reader if cache is None else cache.wrap(name, reader)), []


def load_protocol_model(model: EnhancerModel, device: str) -> tuple[Enhancer | None, str | None]:
    """``model`` loaded on ``device`` when it can run the x4 protocol, else None and why."""
    reason = model.unavailable_reason()
    if reason is not None:
        return None, reason
    try:
        enhancer = model.load(device=device)
    except PlateplugError as exc:
        return None, f"failed to load: {exc}"
    if enhancer.scale != SCALE:
        return None, f"scale x{enhancer.scale}; the benchmark protocol is x{SCALE}"
    return enhancer, None


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
        model = enhancer_model(name)
        name = model.name
        enhancer, reason = load_protocol_model(model, config.device)
        if enhancer is not None:
            try:
                info = model.info()
            except PlateplugError as exc:
                enhancer, reason = None, f"failed to load: {exc}"
        if enhancer is None:
            result.skipped.append((name, reason or "unavailable"))
            continue
        result.methods.append(Method(name, "model", enhancer.providers, info.get("parameters"),
                                     info.get("file_size"), model.description))
        enhancers.append(enhancer)
    return enhancers


def _sample_ids(crops: list[_Crop], rows: int) -> list[int]:
    pool = [i for i, c in enumerate(crops) if c.text] or list(range(len(crops)))
    rows = min(rows, len(pool))
    return [pool[k * len(pool) // rows] for k in range(rows)]


def _reading(reader: Reader, image: np.ndarray) -> str:
    return metrics.normalise_text("".join(reader(image)))


def _read(reader: Reader, image: np.ndarray, label: str) -> tuple[str, bool]:
    text = _reading(reader, image)
    return text, metrics.plate_read(label, text)


def _add_rows(result: BenchResult, crops: list[_Crop], name: str, track: str, h: int,
              scores: list[tuple[float, float]] | None, reads: list[bool | None]) -> Row:
    """Append the row of all crops and one row per source (when there are several) for one
    method and setting; ``scores`` are per-crop (PSNR-Y, SSIM-Y), ``reads`` per-crop OCR
    outcomes (None: not counted). Returns the all-crops row."""
    groups = {"": list(range(len(crops)))}
    sources = sorted({c.source for c in crops})
    if len(sources) > 1:
        groups |= {src: [i for i, c in enumerate(crops) if c.source == src] for src in sources}
    rows = []
    for source, ids in groups.items():
        row = Row(name, track, h, len(ids), source=source)
        if scores is not None:
            row.psnr_y = float(np.mean([scores[i][0] for i in ids]))
            row.ssim_y = float(np.mean([scores[i][1] for i in ids]))
        if result.reader is not None:
            counted = [bool(reads[i]) for i in ids if reads[i] is not None]
            row.ocr_read, row.ocr_total = sum(counted), len(counted)
        rows.append(row)
    result.rows.append(rows[0])
    result.source_rows += rows[1:]
    return rows[0]


def _measure_ceiling(crops: list[_Crop], result: BenchResult, reader: Reader | None,
                     progress: Progress) -> None:
    """OCR of the hr references (the same for both tracks); it also sets the labels of the
    agreement crops (scenes): the plate line the reader sees in their HR reference."""
    if reader is None:
        return
    progress("quality: hr (OCR ceiling)")
    track0 = result.tracks[0]
    for h in result.lr_heights:
        reads: list[bool | None] = []
        for c in crops:
            if not (c.text or c.agreement):
                reads.append(None)
                continue
            texts = reader(c.pairs[track0, h].hr)
            if c.agreement and len(label := metrics.plate_line(texts)) >= MIN_AGREEMENT_CHARS:
                c.labels[h] = label
            reads.append(c.correct(h, "".join(texts)))  # plate_read normalises
        for t in result.tracks:
            _add_rows(result, crops, HR, t, h, None, reads)


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
            scores = [(metrics.psnr_y(o, p.hr), metrics.ssim_y(o, p.hr))
                      for o, p in zip(outputs, pairs)]
            readings: dict[int, str] = {}
            if reader is not None:
                readings = {i: _reading(reader, out) for i, (c, out)
                            in enumerate(zip(crops, outputs)) if c.labels.get(h)}
            reads = [crops[i].correct(h, readings[i]) if i in readings else None
                     for i in range(len(crops))]
            _add_rows(result, crops, name, track, h, scores, reads)
            if (track, h) == result.sample_setting:
                for sample, i in zip(result.samples, sample_ids):
                    sample.cells[name] = Cell(outputs[i], readings.get(i), reads[i])


def _fill_gaps(rows: list[Row]) -> None:
    """Gap recovered = (method - bicubic) / (hr - bicubic), on the OCR rate, within each
    (track, LR height, source)."""
    index = {(r.method, r.track, r.lr_height, r.source): r for r in rows}
    for row in rows:
        setting = (row.track, row.lr_height, row.source)
        bicubic, ceiling = index.get(("bicubic", *setting)), index.get((HR, *setting))
        if row.method == HR or row.ocr_read is None or bicubic is None or ceiling is None:
            continue
        if bicubic.ocr_read is None or ceiling.ocr_read is None:
            continue
        span = ceiling.ocr_read - bicubic.ocr_read
        if span != 0:
            row.gap_recovered = (row.ocr_read - bicubic.ocr_read) / span


def _fill_sample_context(crops: list[_Crop], sample_ids: list[int], reader: Reader | None,
                         result: BenchResult) -> None:
    """Add the LR (nearest-enlarged) and HR cells of the samples grid."""
    setting = result.sample_setting
    if setting is None:  # run_bench always sets it
        return
    for sample, i in zip(result.samples, sample_ids):
        pair = crops[i].pairs[setting]
        hh, hw = pair.hr.shape[:2]
        lr_big = cv2.resize(pair.lr, (hw, hh), interpolation=cv2.INTER_NEAREST)
        for column, image in ((LR, lr_big), (HR, pair.hr)):
            text, ok = _read(reader, image, sample.label) if reader and sample.label else \
                (None, None)
            sample.cells[column] = Cell(image, text, ok)


def _speed_lr(crop: _Crop) -> np.ndarray:
    """The clean LR of a crop at the protocol's speed height (20 px)."""
    return make_pair(crop.image, SPEED_HEIGHT, "clean").lr
