"""Per frame: detect (or take given boxes), crop with a margin, track, enhance the crops of
the frame (at the model's working size, reusing a track's last result while allowed: see
``enhancing.py``) in one ``enhance_batch`` call, draw and write."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from plateplug.enhancer import Enhancer
from plateplug.errors import InvalidImageError
from plateplug.video.boxes import Box, read_boxes
from plateplug.video.cadence import DetectCadence
from plateplug.video.crops import CropWriter
from plateplug.video.enhancing import Enhanced, PlateEnhancer
from plateplug.video.errors import VideoError
from plateplug.video.overlay import render
from plateplug.video.reuse import ReusePolicy
from plateplug.video.sources import VideoSource
from plateplug.video.stats import StageTimes
from plateplug.video.tracker import IoUTracker
from plateplug.video.working import AUTO, HeightChoice, resolve_max_height, to_working_size
from plateplug.video.writer import VideoWriter

DEFAULT_MARGIN = 0.1

Detector = Callable[[np.ndarray], Sequence[Any]]
StepEnhancer = Callable[[int, Sequence[int], Sequence[np.ndarray]], list[Enhanced]]


@dataclass
class PlateResult:
    """One plate in one frame: its box, the cropped region (box plus margin), track id,
    the crop and its enhanced version (``enhancer.scale`` times the size the model was
    given, ``input_size``: the crop's own size, or less when shrunk to the model's working
    height); ``reused_from``: the earlier frame whose result is shown again (None: enhanced
    in this frame)."""

    box: Box
    region: Box
    track_id: int
    crop: np.ndarray
    enhanced: np.ndarray
    score: float | None = None
    input_size: tuple[int, int] | None = field(default=None, kw_only=True)
    reused_from: int | None = field(default=None, kw_only=True)


class FramePlates(NamedTuple):
    """What ``iter_plates`` yields: frame index, the frame, and its plates."""

    index: int  # type: ignore[assignment]  # the public name; it hides tuple.index
    frame: np.ndarray
    plates: list[PlateResult]


def crop_region(box: Sequence[float], frame_shape: tuple[int, ...],
                margin: float = DEFAULT_MARGIN) -> Box | None:
    """``box`` grown by ``margin`` x its size on each side, clipped to the frame (None if
    nothing is left)."""
    x1, y1, x2, y2 = box
    mx, my = (x2 - x1) * margin, (y2 - y1) * margin
    h, w = frame_shape[:2]
    rx1, ry1 = max(0, round(x1 - mx)), max(0, round(y1 - my))
    rx2, ry2 = min(w, round(x2 + mx)), min(h, round(y2 + my))
    if rx2 <= rx1 or ry2 <= ry1:
        return None
    return rx1, ry1, rx2, ry2


def enhance_plates(frame: np.ndarray, boxes: Sequence[Any], enhancer: Enhancer,
                   margin: float = DEFAULT_MARGIN,
                   max_input_height: HeightChoice = AUTO) -> list[np.ndarray]:
    """Enhanced crops of ``boxes`` (``(x1, y1, x2, y2)`` or objects with ``.box``) in
    ``frame``, in order, from a single ``enhance_batch`` call: drop it between a detector
    and OCR. Crops taller than ``max_input_height`` (``"auto"``: the model's declared
    working height; ``"full"``: no limit) are shrunk to it first."""
    height = resolve_max_height(max_input_height, enhancer)
    crops = []
    for i, box in enumerate(boxes):
        region = crop_region(_box_of(box), frame.shape, margin)
        if region is None:
            raise InvalidImageError(f"box {i} {tuple(_box_of(box))} lies outside the "
                                    f"{frame.shape[1]}x{frame.shape[0]} frame")
        x1, y1, x2, y2 = region
        crops.append(to_working_size(frame[y1:y2, x1:x2], height))
    return enhancer.enhance_batch(crops) if crops else []


def iter_plates(source: VideoSource | str | int | os.PathLike | Iterable[np.ndarray],
                enhancer: Enhancer | StepEnhancer, detector: Detector | None = None,
                boxes: Mapping[int, Sequence[Sequence[float]]] | str | os.PathLike | None = None,
                *, margin: float = DEFAULT_MARGIN, tracker: IoUTracker | None = None,
                detect_every: int = 1, detect_at_cuts: bool = True,
                max_input_height: HeightChoice = AUTO,
                reuse: ReusePolicy | None = None) -> Iterator[FramePlates]:
    """Yield ``(index, frame, plates)`` for each frame of ``source``.

    ``source`` is a VideoSource, a file/camera index/URL, or any iterable of BGR frames.
    Plates come from ``boxes`` (frame index -> boxes, or a JSONL file path), else from
    ``detector(frame)``, else from the default detector (``plateplug.detect``). With
    ``detect_every`` N > 1 the detector runs on every N-th frame only, and with
    ``detect_at_cuts`` also on each frame that starts a new shot (``cadence.py``); in
    between, the tracker moves the last boxes along at their measured velocity. Crops
    taller than ``max_input_height`` (``"auto"``: the model's declared working height;
    ``"full"``: no limit) are shrunk to it before enhancing; with a ``reuse`` policy a
    track's last result is shown again while its plate has not changed enough
    (``PlateEnhancer``, which may also be passed as ``enhancer``).
    """
    if detect_every < 1:
        raise VideoError(f"detect_every must be at least 1, got {detect_every}")
    if isinstance(boxes, (str, os.PathLike)):
        boxes = read_boxes(boxes)
    if boxes is None and detector is None:
        detector = load_detector()
    tracker = tracker or IoUTracker()
    if isinstance(enhancer, Enhancer):
        enhancer = PlateEnhancer(enhancer, max_input_height, reuse)
    cadence = DetectCadence(detect_every, detect_at_cuts and boxes is None)
    if isinstance(source, (str, int, os.PathLike)):
        with VideoSource(source) as opened:
            yield from _iter(opened, enhancer, detector, boxes, margin, tracker, cadence)
    else:
        frames = source if isinstance(source, VideoSource) else enumerate(source)
        yield from _iter(frames, enhancer, detector, boxes, margin, tracker, cadence)


def _iter(frames: Iterable[tuple[int, np.ndarray]], enhancer: StepEnhancer,
          detector: Detector | None, boxes: Mapping[int, Sequence[Sequence[float]]] | None,
          margin: float, tracker: IoUTracker, cadence: DetectCadence) -> Iterator[FramePlates]:
    for index, frame in frames:
        plates = plates_in_frame(index, frame, enhancer, detector, boxes, margin, tracker,
                                 detect=cadence(frame))
        yield FramePlates(index, frame, plates)


def plates_in_frame(index: int, frame: np.ndarray, enhancer: Enhancer | StepEnhancer,
                    detector: Detector | None,
                    boxes: Mapping[int, Sequence[Sequence[float]]] | None,
                    margin: float, tracker: IoUTracker, detect: bool = True) -> list[PlateResult]:
    """One step of ``iter_plates``: boxes (given for ``index``, else detected, else moved on
    by the tracker when ``detect`` is False), crops, track ids, one enhancement step (a
    plain Enhancer works at the model's declared working height, without reuse)."""
    if isinstance(enhancer, Enhancer):
        enhancer = PlateEnhancer(enhancer)
    if boxes is None and not detect:
        kept = _coasted(frame, tracker, margin)
    else:
        kept = _found(index, frame, detector, boxes, margin, tracker)
    crops = [frame[r[1]:r[3], r[0]:r[2]] for _, r, _, _ in kept]
    results = enhancer(index, [track_id for *_, track_id in kept], crops) if crops else []
    return [PlateResult(box, region, track_id, crop, out.image, score,
                        input_size=out.input_size,
                        reused_from=None if out.frame == index else out.frame)
            for (box, region, score, track_id), crop, out in zip(kept, crops, results)]


_Kept = tuple[Box, Box, float | None, int]  # box, cropped region, score, track id


def _found(index: int, frame: np.ndarray, detector: Detector | None,
           boxes: Mapping[int, Sequence[Sequence[float]]] | None, margin: float,
           tracker: IoUTracker) -> list[_Kept]:
    """This frame's given or detected boxes inside the frame, matched to tracks."""
    found: list[tuple[Sequence[float], float | None]]
    if boxes is not None:
        found = [(tuple(b), None) for b in boxes.get(index, ())]
    else:
        assert detector is not None, "no boxes and no detector"
        found = [(_box_of(d), getattr(d, "score", None)) for d in detector(frame)]
    inside: list[tuple[Box, Box, float | None]] = []
    for box, score in found:
        region = crop_region(box, frame.shape, margin)
        if region is None:
            warnings.warn(f"frame {index}: box {box} lies outside the frame; ignored",
                          stacklevel=4)
        else:
            x1, y1, x2, y2 = (round(v) for v in box)
            inside.append(((x1, y1, x2, y2), region, score))
    ids = tracker.update([box for box, _, _ in inside], [score for _, _, score in inside])
    return [(box, region, score, i) for (box, region, score), i in zip(inside, ids)]


def _coasted(frame: np.ndarray, tracker: IoUTracker, margin: float) -> list[_Kept]:
    """The tracked plates moved on by one frame, clipped to the frame (no detection)."""
    kept = []
    for track_id, predicted, score in tracker.coast():
        box = _clip(predicted, frame.shape)
        region = crop_region(box, frame.shape, margin) if box is not None else None
        if box is not None and region is not None:
            kept.append((box, region, score, track_id))
    return kept


def _clip(box: Sequence[float], frame_shape: tuple[int, ...]) -> Box | None:
    """A predicted box rounded and clipped to the frame (None when it has left it)."""
    h, w = frame_shape[:2]
    x1, y1 = max(0, round(box[0])), max(0, round(box[1]))
    x2, y2 = min(w, round(box[2])), min(h, round(box[3]))
    return (x1, y1, x2, y2) if x2 > x1 and y2 > y1 else None


@dataclass
class Summary:
    """What ``process_video`` did: frames, plates shown, crops enhanced and plates shown
    with a reused result."""

    frames: int = 0
    plates: int = 0
    enhanced: int = 0
    reused: int = 0


def process_video(source: VideoSource, writer: VideoWriter, enhancer: Enhancer, *,
                  layout: str = "inset", detector: Detector | None = None,
                  boxes: Mapping[int, Sequence[Sequence[float]]] | None = None,
                  margin: float = DEFAULT_MARGIN, crops: CropWriter | None = None,
                  tracker: IoUTracker | None = None, detect_every: int = 1,
                  detect_at_cuts: bool = True,
                  on_frame: Callable[[Summary], None] | None = None,
                  max_input_height: HeightChoice = AUTO, reuse: ReusePolicy | None = None,
                  inset_height: int | None = None,
                  times: StageTimes | None = None) -> Summary:
    """Enhance every plate of ``source`` and write the ``layout`` frames to ``writer``
    (``iter_plates`` says what the options do; ``inset_height``: see ``render``). With
    ``times``, the seconds spent detecting, enhancing, drawing and saving crops are added
    to it."""
    times = times or StageTimes()
    if boxes is None and detector is None:
        detector = load_detector()
    step = PlateEnhancer(enhancer, max_input_height, reuse)
    draw = times.timed("draw", render)
    summary = Summary()
    for index, frame, plates in iter_plates(
            source, times.timed("enhance", step),
            None if detector is None else times.timed("detect", detector), boxes,
            margin=margin, tracker=tracker, detect_every=detect_every,
            detect_at_cuts=detect_at_cuts):
        writer.write(draw(frame, plates, layout, inset_height, in_place=True))  # frame is ours
        if crops is not None:
            start = time.perf_counter()
            for plate in plates:
                crops.write(index, plate.box, plate.track_id, plate.enhanced,
                            crop_size=(plate.crop.shape[1], plate.crop.shape[0]),
                            input_size=plate.input_size, reused_from=plate.reused_from)
            times.add("crops", time.perf_counter() - start)
        summary.frames += 1
        summary.plates += len(plates)
        summary.enhanced, summary.reused = step.enhanced, step.reused
        if on_frame is not None:
            on_frame(summary)
    return summary


def load_detector(name: str | None = None, device: str = "auto",
                  threads: int | None = None) -> Detector:
    """The plate detector ``name`` (None: the default) from ``plateplug.detect``."""
    from plateplug.detect import load_detector as load

    return load(name, device=device, threads=threads)


def _box_of(item: Any) -> Sequence[float]:
    box = getattr(item, "box", item)
    if len(box) != 4:
        raise InvalidImageError(f"a box must be (x1, y1, x2, y2), got {box!r}")
    return tuple(box)


__all__ = ["DEFAULT_MARGIN", "FramePlates", "PlateResult", "Summary", "crop_region",
           "enhance_plates", "iter_plates", "load_detector", "plates_in_frame", "process_video"]
