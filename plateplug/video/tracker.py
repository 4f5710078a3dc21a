"""A simple IoU tracker: plates overlapping from frame to frame keep the same id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plateplug.video.boxes import Box


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two ``(x1, y1, x2, y2)`` boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


@dataclass
class Track:
    """A plate seen in recent frames: its id, last box and frames since it was last seen."""

    id: int
    box: Box
    lost: int = 0


class IoUTracker:
    """Greedy IoU matching; tracks unseen for more than ``max_lost`` frames are dropped."""

    def __init__(self, iou_threshold: float = 0.3, max_lost: int = 10):
        self.iou_threshold = iou_threshold
        self.max_lost = max_lost
        self.tracks: dict[int, Track] = {}
        self._next_id = 1

    def update(self, boxes: Sequence[Box]) -> list[int]:
        """Match this frame's boxes to tracks; returns one track id per box, in order."""
        pairs = sorted(((iou(t.box, b), t.id, j) for t in self.tracks.values()
                        for j, b in enumerate(boxes)), reverse=True)
        ids: list[int | None] = [None] * len(boxes)
        matched: set[int] = set()
        for overlap, track_id, j in pairs:
            if overlap < self.iou_threshold:
                break
            if track_id in matched or ids[j] is not None:
                continue
            matched.add(track_id)
            ids[j] = track_id
        for track in list(self.tracks.values()):
            if track.id not in matched:
                track.lost += 1
                if track.lost > self.max_lost:
                    del self.tracks[track.id]
        for j, box in enumerate(boxes):
            if ids[j] is None:
                ids[j] = self._next_id
                self._next_id += 1
            track = self.tracks.setdefault(ids[j], Track(ids[j], tuple(box)))
            track.box, track.lost = tuple(box), 0
        return ids
