"""A simple IoU tracker: plates overlapping from frame to frame keep the same id.

Each track also keeps a constant-velocity motion estimate, so that between two detections
(``--detect-every N``) ``coast()`` can move the boxes along instead of detecting again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plateplug.data.boxes import iou
from plateplug.video.boxes import Box


@dataclass
class Track:
    """A plate seen in recent frames: its id, last observed box, detection updates since it
    was last seen (``lost``), its score, velocity (pixels per frame for x1, y1, x2, y2) and
    frames coasted since the last observation."""

    id: int
    box: Box
    lost: int = 0
    score: float | None = None
    velocity: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    coasted: int = 0

    def predicted(self, ahead: int = 0) -> tuple[float, float, float, float]:
        """The box moved by its velocity over ``coasted + ahead`` frames."""
        frames = self.coasted + ahead
        x1, y1, x2, y2 = (b + v * frames for b, v in zip(self.box, self.velocity))
        return x1, y1, x2, y2


class IoUTracker:
    """Greedy IoU matching; tracks unseen for more than ``max_lost`` frames are dropped."""

    def __init__(self, iou_threshold: float = 0.3, max_lost: int = 10):
        self.iou_threshold = iou_threshold
        self.max_lost = max_lost
        self.tracks: dict[int, Track] = {}
        self._next_id = 1

    def update(self, boxes: Sequence[Box],
               scores: Sequence[float | None] | None = None) -> list[int]:
        """Match this frame's boxes to tracks; returns one track id per box, in order."""
        scores = list(scores) if scores is not None else [None] * len(boxes)
        tracks = list(self.tracks.values())
        overlaps = iou(np.array([t.predicted(1) for t in tracks]), np.array(boxes))
        pairs = sorted(((float(overlaps[i, j]), t.id, j) for i, t in enumerate(tracks)
                        for j in range(len(boxes))), reverse=True)
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
                track.coasted += 1
                if track.lost > self.max_lost:
                    del self.tracks[track.id]
        result: list[int] = []
        for j, box in enumerate(boxes):
            box_id = ids[j]
            if box_id is None:
                box_id = self._next_id
                self._next_id += 1
            result.append(box_id)
            x1, y1, x2, y2 = box
            seen = self.tracks.get(box_id)
            if seen is None:
                self.tracks[box_id] = Track(box_id, (x1, y1, x2, y2), score=scores[j])
                continue
            frames = seen.coasted + 1
            v1, v2, v3, v4 = ((n - o) / frames for n, o in zip(box, seen.box))
            seen.velocity = (v1, v2, v3, v4)
            seen.box, seen.lost, seen.coasted, seen.score = (x1, y1, x2, y2), 0, 0, scores[j]
        return result

    def coast(self) -> list[tuple[int, tuple[float, float, float, float], float | None]]:
        """Advance the plates seen at the last update by one frame without a detection;
        returns ``(track id, predicted box, last score)`` for each."""
        moved = []
        for track in self.tracks.values():
            track.coasted += 1
            if track.lost == 0:
                moved.append((track.id, track.predicted(), track.score))
        return moved
