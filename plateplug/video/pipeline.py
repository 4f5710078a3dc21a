"""Per frame: detect (or take given boxes), crop with a margin, enhance all crops of the frame
in one ``enhance_batch`` call, track, draw and write."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from plateplug.enhancer import Enhancer
from plateplug.errors import InvalidImageError
from plateplug.video.boxes import Box, read_boxes
from plateplug.video.crops import CropWriter
from plateplug.video.errors import VideoError
from plateplug.video.overlay import render
from plateplug.video.sources import VideoSource
from plateplug.video.tracker import IoUTracker
from plateplug.video.writer import VideoWriter

DEFAULT_MARGIN = 0.1

Detector = Callable[[np.ndarray], Sequence[Any]]


@dataclass
class PlateResult:
    """One plate in one frame: its box, the cropped region (box plus margin), track id,
    the crop and its enhanced version (``enhancer.scale`` times larger)."""

    box: Box
    region: Box
    track_id: int
    crop: np.ndarray
    enhanced: np.ndarray
    score: float | None = None


class FramePlates(NamedTuple):
    """What ``iter_plates`` yields: frame index, the frame, and its plates."""

    index: int
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
                   margin: float = DEFAULT_MARGIN) -> list[np.ndarray]:
    """Enhanced crops of ``boxes`` (``(x1, y1, x2, y2)`` or objects with ``.box``) in
    ``frame``, in order, from a single ``enhance_batch`` call: drop it between a detector
    and OCR."""
    crops = []
    for i, box in enumerate(boxes):
        region = crop_region(_box_of(box), frame.shape, margin)
        if region is None:
            raise InvalidImageError(f"box {i} {tuple(_box_of(box))} lies outside the "
                                    f"{frame.shape[1]}x{frame.shape[0]} frame")
        x1, y1, x2, y2 = region
        crops.append(frame[y1:y2, x1:x2])
    return enhancer.enhance_batch(crops) if crops else []


def iter_plates(source: VideoSource | str | int | os.PathLike | Iterable[np.ndarray],
                enhancer: Enhancer, detector: Detector | None = None,
                boxes: Mapping[int, Sequence[Sequence[float]]] | str | os.PathLike | None = None,
                *, margin: float = DEFAULT_MARGIN, tracker: IoUTracker | None = None,
                detect_every: int = 1) -> Iterator[FramePlates]:
    """Yield ``(index, frame, plates)`` for each frame of ``source``.

    ``source`` is a VideoSource, a file/camera index/URL, or any iterable of BGR frames.
    Plates come from ``boxes`` (frame index -> boxes, or a JSONL file path), else from
    ``detector(frame)``, else from the default detector (``plateplug.detect``). With
    ``detect_every`` N > 1 the detector runs on every N-th frame only; in between, the
    tracker moves the last boxes along at their measured velocity.
    """
    if detect_every < 1:
        raise VideoError(f"detect_every must be at least 1, got {detect_every}")
    if isinstance(boxes, (str, os.PathLike)):
        boxes = read_boxes(boxes)
    if boxes is None and detector is None:
        detector = load_detector()
    tracker = tracker or IoUTracker()
    if isinstance(source, (str, int, os.PathLike)):
        with VideoSource(source) as opened:
            yield from _iter(opened, enhancer, detector, boxes, margin, tracker, detect_every)
    else:
        frames = source if isinstance(source, VideoSource) else enumerate(source)
        yield from _iter(frames, enhancer, detector, boxes, margin, tracker, detect_every)


def _iter(frames: Iterable[tuple[int, np.ndarray]], enhancer: Enhancer,
          detector: Detector | None, boxes: Mapping[int, Sequence[Sequence[float]]] | None,
          margin: float, tracker: IoUTracker, detect_every: int) -> Iterator[FramePlates]:
    for count, (index, frame) in enumerate(frames):
        plates = plates_in_frame(index, frame, enhancer, detector, boxes, margin, tracker,
                                 detect=count % detect_every == 0)
        yield FramePlates(index, frame, plates)


def plates_in_frame(index: int, frame: np.ndarray, enhancer: Enhancer,
                    detector: Detector | None,
                    boxes: Mapping[int, Sequence[Sequence[float]]] | None,
                    margin: float, tracker: IoUTracker, detect: bool = True) -> list[PlateResult]:
    """One step of ``iter_plates``: boxes (given for ``index``, else detected, else moved on
    by the tracker when ``detect`` is False), crops, one ``enhance_batch`` call, track ids."""
    if boxes is None and not detect:
        kept = _coasted(frame, tracker, margin)
    else:
        kept = _found(index, frame, detector, boxes, margin, tracker)
    crops = [frame[r[1]:r[3], r[0]:r[2]] for _, r, _, _ in kept]
    enhanced = enhancer.enhance_batch(crops) if crops else []
    return [PlateResult(box, region, track_id, crop, big, score)
            for (box, region, score, track_id), crop, big in zip(kept, crops, enhanced)]


_Kept = tuple[Box, Box, float | None, int]  # box, cropped region, score, track id


def _found(index: int, frame: np.ndarray, detector: Detector | None,
           boxes: Mapping[int, Sequence[Sequence[float]]] | None, margin: float,
           tracker: IoUTracker) -> list[_Kept]:
    """This frame's given or detected boxes inside the frame, matched to tracks."""
    if boxes is not None:
        found = [(tuple(b), None) for b in boxes.get(index, ())]
    else:
        found = [(_box_of(d), getattr(d, "score", None)) for d in detector(frame)]
    inside = []
    for box, score in found:
        region = crop_region(box, frame.shape, margin)
        if region is None:
            warnings.warn(f"frame {index}: box {box} lies outside the frame; ignored",
                          stacklevel=4)
        else:
            inside.append((tuple(round(v) for v in box), region, score))
    ids = tracker.update([box for box, _, _ in inside], [score for _, _, score in inside])
    return [(box, region, score, i) for (box, region, score), i in zip(inside, ids)]


def _coasted(frame: np.ndarray, tracker: IoUTracker, margin: float) -> list[_Kept]:
    """The tracked plates moved on by one frame, clipped to the frame (no detection)."""
    kept = []
    for track_id, predicted, score in tracker.coast():
        box = _clip(predicted, frame.shape)
        region = crop_region(box, frame.shape, margin) if box is not None else None
        if region is not None:
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
    """What ``process_video`` did."""

    frames: int = 0
    plates: int = 0


def process_video(source: VideoSource, writer: VideoWriter, enhancer: Enhancer, *,
                  layout: str = "inset", detector: Detector | None = None,
                  boxes: Mapping[int, Sequence[Sequence[float]]] | None = None,
                  margin: float = DEFAULT_MARGIN, crops: CropWriter | None = None,
                  tracker: IoUTracker | None = None, detect_every: int = 1,
                  on_frame: Callable[[Summary], None] | None = None) -> Summary:
    """Enhance every plate of ``source`` and write the ``layout`` frames to ``writer``."""
    summary = Summary()
    for index, frame, plates in iter_plates(source, enhancer, detector, boxes, margin=margin,
                                            tracker=tracker, detect_every=detect_every):
        writer.write(render(frame, plates, layout))
        if crops is not None:
            for plate in plates:
                crops.write(index, plate.box, plate.track_id, plate.enhanced)
        summary.frames += 1
        summary.plates += len(plates)
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
