"""``plateplug.Pipeline``: detect, track, enhance and read the plates of a stream of frames,
one call per frame, and vote each track's reads into one text.

>>> pipeline = plateplug.Pipeline()            # shipped detector, srgan, rapidocr-fast
>>> for plate in pipeline(frame):               # every frame of a video, in order
...     print(plate.track_id, plate.box, plate.text, plate.confidence)
>>> for track in pipeline.tracks():             # track id, frames, reads, voted text
...     print(track.track_id, track.text)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plateplug.data.voting import Read
from plateplug.enhancer import Enhancer
from plateplug.errors import PlateplugError
from plateplug.images import to_bgr
from plateplug.models import load_enhancer
from plateplug.readers import DEFAULT_READER, Reader, load_reader
from plateplug.reading.policy import ReadPolicy, crop_quality
from plateplug.reading.tracks import TrackReading, same_plate_text
from plateplug.video.cadence import DetectCadence
from plateplug.video.enhancing import PlateEnhancer
from plateplug.video.pipeline import (
    DEFAULT_MARGIN,
    Detector,
    PlateResult,
    load_detector,
    plates_in_frame,
)
from plateplug.video.tracker import IoUTracker

DEFAULT_DETECTOR = "plateplug"
DEFAULT_ENHANCER = "srgan"
DEFAULT_REJOIN = 25  # frames an ended track waits for a successor (1 s at 25 fps)


class PipelineError(PlateplugError):
    """The pipeline cannot handle a frame as asked (e.g. no detector and no boxes)."""


@dataclass
class Plate(PlateResult):
    """A plate in one frame (``PlateResult``: box, region, track id, crop, enhanced crop,
    score) with its track's voted ``text`` and ``confidence`` so far, and ``read``: what
    the reader made of this very frame's crop (None when the crop was not read)."""

    text: str | None = None
    confidence: float | None = None
    read: Read | None = None


class Unchanged(Enhancer):
    """Stands in for ``enhancer=None``: crops pass through as they are."""

    def __init__(self) -> None:
        super().__init__("none", 1)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return batch.copy()


class Pipeline:
    """Detector, IoU tracker, enhancer and reader over consecutive frames of one video.

    ``detector``, ``enhancer`` and ``reader`` are registered names or loaded objects; a
    multi-frame enhancer (e.g. ``"mfsr"``) fuses each track's newest crops.
    ``detector=None``: boxes come with each call; ``enhancer=None``: crops are read as they
    are; ``reader=None``: nothing is read. ``policy`` says which crops of a track are read
    (default: the first, then one every 5 frames, at most 5). The detector runs on every
    ``detect_every``-th call, and with ``detect_at_cuts`` on each frame that starts a new
    shot (``plateplug.video.cadence``); in between the tracker moves the boxes on. A track
    that ends waits ``rejoin`` frames for a later track of the same voted text, or one
    character off (the same plate, lost by the tracker for a moment: a jump, an occlusion)
    and is joined to it; 0: never.
    """

    def __init__(self, detector: str | Detector | None = DEFAULT_DETECTOR,
                 enhancer: str | Enhancer | None = DEFAULT_ENHANCER,
                 reader: str | Reader | None = DEFAULT_READER, *,
                 policy: ReadPolicy | None = None, margin: float = DEFAULT_MARGIN,
                 detect_every: int = 1, detect_at_cuts: bool = True,
                 tracker: IoUTracker | None = None,
                 rejoin: int = DEFAULT_REJOIN, device: str = "auto",
                 threads: int | None = None):
        if detect_every < 1:
            raise PipelineError(f"detect_every must be at least 1, got {detect_every}")
        if rejoin < 0:
            raise PipelineError(f"rejoin must be 0 or more frames, got {rejoin}")
        self.detector = (load_detector(detector, device, threads) if isinstance(detector, str)
                         else detector)
        if isinstance(enhancer, str):
            enhancer = load_enhancer(enhancer, device=device, threads=threads)
        self.enhancer = enhancer if enhancer is not None else Unchanged()
        self._step = PlateEnhancer(self.enhancer)  # keeps a multi-frame model's track crops
        self.reader = load_reader(reader) if isinstance(reader, str) else reader
        self.policy = policy or ReadPolicy()
        self.margin = margin
        # without a detector every frame brings its boxes: nothing to look for cuts for
        self.cadence = DetectCadence(detect_every, detect_at_cuts and self.detector is not None)
        self.rejoin = rejoin
        self.tracker = tracker or IoUTracker()
        self._next_index = 0
        self._active: dict[int, TrackReading] = {}
        self._ended: list[TrackReading] = []

    def __call__(self, frame: np.ndarray, boxes: Sequence[Sequence[float]] | None = None,
                 index: int | None = None) -> list[Plate]:
        """The plates of the next ``frame`` (BGR, grey or BGRA uint8). ``boxes``
        ``(x1, y1, x2, y2)`` replace detection for this frame; ``index`` is the frame's
        number (default: one more than the last), used for first and last frames."""
        bgr, _ = to_bgr(frame, "frame")
        if boxes is None and self.detector is None:
            raise PipelineError("this pipeline has no detector: pass the frame's boxes")
        index = self._next_index if index is None else index
        detect = self.cadence(bgr) or boxes is not None
        given = {index: boxes} if boxes is not None else None
        found = plates_in_frame(index, bgr, self._step, self.detector, given, self.margin,
                                self.tracker, detect=detect)
        read = [(plate, *self._read(index, plate)) for plate in found]
        self._next_index = index + 1
        self._end_lost()
        self._rejoin()
        return [Plate(p.box, p.region, track.track_id, p.crop, p.enhanced, p.score, track.text,
                      track.confidence, this_read) for p, track, this_read in read]

    def _read(self, index: int, plate: PlateResult) -> tuple[TrackReading, Read | None]:
        """Add the plate's enhanced crop to its track and read it when the policy says so."""
        track = self._active.get(plate.track_id)
        if track is None:
            track = self._active[plate.track_id] = TrackReading(plate.track_id, index, index)
        quality = crop_quality(plate.enhanced)
        track.see(index, plate.enhanced, quality)
        read = None
        if self.reader is not None and track.due(self.policy, index, quality):
            read = Read.from_texts(self.reader(plate.enhanced), index)
            track.add(read, index, quality)
        return track, read

    def _rejoin(self) -> None:
        """Join to each track with a text an ended track that ended at most ``rejoin``
        frames before it began, of the same text or, failing one, of a text one character
        off (``same_plate_text``)."""
        if not self.rejoin:
            return
        for track in [*self._active.values(), *self._ended]:
            text = track.text
            if text is None or (track.ended and track not in self._ended):
                continue  # no text yet, or already joined to a later track in this pass
            candidates = [e for e in self._ended if e is not track and e.text is not None
                          and 0 < track.first_frame - e.last_frame <= self.rejoin
                          and same_plate_text(e.text, text)]
            earlier = next((e for e in candidates if e.text == text),
                           candidates[0] if candidates else None)
            if earlier is not None:
                self._ended.remove(earlier)
                track.absorb(earlier)

    def _end_lost(self) -> None:
        """Move the tracks the tracker has dropped to the ended ones."""
        for track_id in [t for t in self._active if t not in self.tracker.tracks]:
            self._finish(track_id)

    def _finish(self, track_id: int) -> None:
        track = self._active.pop(track_id)
        track.ended = True
        self._ended.append(track)

    def tracks(self) -> list[TrackReading]:
        """Every track so far, ended or not, by id (less those ``pop_ended`` handed out)."""
        return sorted([*self._ended, *self._active.values()], key=lambda t: t.track_id)

    def pop_ended(self) -> list[TrackReading]:
        """The tracks that ended since the last call and can no longer be joined (ended
        ``rejoin`` frames or more before the last frame), forgotten by the pipeline from
        now on (what a long-running loop should do with them to keep memory bounded)."""
        last = self._next_index - 1
        done = [t for t in self._ended if last - t.last_frame >= self.rejoin]
        self._ended = [t for t in self._ended if t not in done]
        return done

    def finish(self) -> list[TrackReading]:
        """End every track (the video is over), join what can be joined and pop all ended
        ones; the next frame starts new tracks."""
        for track_id in list(self._active):
            self._finish(track_id)
        self.tracker.tracks.clear()
        self._rejoin()
        ended, self._ended = self._ended, []
        return ended


__all__ = ["DEFAULT_DETECTOR", "DEFAULT_ENHANCER", "DEFAULT_REJOIN", "Pipeline",
           "PipelineError", "Plate", "Unchanged"]
