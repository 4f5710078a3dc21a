"""What plateplug knows about one tracked plate: when it was seen, its reads, their vote and
its best enhanced crop."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plateplug.data.voting import Read, Vote, vote
from plateplug.reading.policy import ReadPolicy

MIN_FUZZY_LENGTH = 5  # texts at least this long may differ in one character and still join


def same_plate_text(a: str, b: str) -> bool:
    """Whether two voted texts may be the same plate: equal, or of the same length (at
    least ``MIN_FUZZY_LENGTH``) with one character different (one misread character)."""
    if a == b:
        return True
    if len(a) != len(b) or len(a) < MIN_FUZZY_LENGTH:
        return False
    return sum(x != y for x, y in zip(a, b)) == 1


@dataclass(eq=False)  # one object per tracked plate: compared by identity
class TrackReading:
    """One tracked plate so far.

    ``seen`` counts the frames it was in; ``attempts`` the times it was given to the reader,
    ``reads`` the readings that had plate characters (those vote); ``best_crop`` is its
    enhanced crop of the highest ``crop_quality``, from ``best_frame``; ``ended`` turns True
    once the tracker has let it go. ``merged`` lists the tracker ids joined into this one
    (see ``absorb``), in order; ``track_id`` is the first of them.
    """

    track_id: int
    first_frame: int
    last_frame: int
    seen: int = 0
    attempts: int = 0
    reads: list[Read] = field(default_factory=list)
    vote: Vote | None = None
    best_crop: np.ndarray | None = field(default=None, repr=False)
    best_quality: float = -1.0
    best_frame: int | None = None
    ended: bool = False
    merged: list[int] = field(default_factory=list)
    _last_read: int | None = field(default=None, repr=False)
    _read_quality: float = field(default=-1.0, repr=False)

    def __post_init__(self) -> None:
        self.merged = self.merged or [self.track_id]

    @property
    def text(self) -> str | None:
        """The voted text (None before any read had plate characters)."""
        return self.vote.text if self.vote else None

    @property
    def confidence(self) -> float | None:
        """The voted text's confidence (see ``plateplug.reading.voting``)."""
        return self.vote.confidence if self.vote else None

    def see(self, frame: int, crop: np.ndarray, quality: float) -> None:
        """Count a frame the plate is in; keep ``crop`` if it is the best so far."""
        self.last_frame = max(self.last_frame, frame)
        self.seen += 1
        if quality > self.best_quality:
            self.best_crop, self.best_quality, self.best_frame = crop.copy(), quality, frame

    def due(self, policy: ReadPolicy, frame: int, quality: float) -> bool:
        """Whether ``policy`` reads this track's crop of ``quality`` at ``frame``."""
        return policy.due(frame, self.attempts, self._last_read, self._read_quality, quality)

    def add(self, read: Read | None, frame: int, quality: float) -> None:
        """Record a reading of the crop of ``quality`` at ``frame`` (None: nothing read)
        and vote again."""
        self.attempts += 1
        self._last_read = frame
        self._read_quality = max(self._read_quality, quality)
        if read is not None:
            self.reads.append(read)
            self.vote = vote(self.reads)

    def absorb(self, earlier: TrackReading) -> None:
        """Join ``earlier``, a track of the same plate that ended before this one began:
        its id, first frame, frames, reads (voted again) and best crop become this one's."""
        self.track_id, self.first_frame = earlier.track_id, earlier.first_frame
        self.merged = earlier.merged + self.merged
        self.seen += earlier.seen
        self.attempts += earlier.attempts
        self.reads = earlier.reads + self.reads
        self.vote = vote(self.reads)
        if earlier.best_quality > self.best_quality:
            self.best_crop, self.best_quality = earlier.best_crop, earlier.best_quality
            self.best_frame = earlier.best_frame
