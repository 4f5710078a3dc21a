"""One JSON line per tracked plate, written as each track ends: a live, append-only JSONL
stream (a file or standard output) that is valid line by line at any moment."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from plateplug.imageio import write_image
from plateplug.reading.tracks import TrackReading
from plateplug.video.errors import OutputError


def track_record(track: TrackReading, fps: float, crop: str | None = None) -> dict[str, Any]:
    """The JSON line of ``track``: id, voted text and confidence, reads, first and last
    frame and time (s, from ``fps``), frames seen, the tracker ids joined into it and the
    path of its best crop."""
    return {
        "track_id": track.track_id,
        "text": track.text,
        "confidence": None if track.confidence is None else round(track.confidence, 4),
        "reads": len(track.reads),
        "first_frame": track.first_frame,
        "last_frame": track.last_frame,
        "first_time": round(track.first_frame / fps, 3),
        "last_time": round(track.last_frame / fps, 3),
        "frames": track.seen,
        "tracks": track.merged,
        "crop": crop,
    }


class PlatesWriter:
    """Writes ``track_record`` lines to ``path`` (None: standard output), each flushed as
    soon as written; with ``crops_dir``, each track's best enhanced crop is saved there as
    ``track<T>.png`` (atomically) and named in its line. Tracks seen in fewer than
    ``min_frames`` frames (mostly brief false detections) are counted in ``left_out``
    instead."""

    def __init__(self, path: Path | None, fps: float, crops_dir: Path | None = None,
                 min_frames: int = 1):
        self.path = path
        self.fps = fps
        self.crops_dir = crops_dir
        self.min_frames = min_frames
        self.count = 0
        self.left_out = 0
        try:
            if crops_dir is not None:
                crops_dir.mkdir(parents=True, exist_ok=True)
            self._stream: TextIO = (sys.stdout if path is None
                                    else open(path, "w", encoding="utf-8"))  # noqa: SIM115
        except OSError as exc:
            raise OutputError(f"cannot write {exc.filename}: {exc.strerror}") from None

    def write(self, track: TrackReading) -> dict[str, Any] | None:
        """Write the line of one track (and its crop); returns the record (None when the
        track is left out)."""
        if track.seen < self.min_frames:
            self.left_out += 1
            return None
        crop = None
        if self.crops_dir is not None and track.best_crop is not None:
            crop_path = self.crops_dir / f"track{track.track_id}.png"
            write_image(crop_path, track.best_crop)
            crop = str(crop_path)
        record = track_record(track, self.fps, crop)
        try:
            self._stream.write(json.dumps(record) + "\n")
            self._stream.flush()
        except OSError as exc:
            raise OutputError(f"cannot write {self.path or 'standard output'}: "
                              f"{exc.strerror}") from None
        self.count += 1
        return record

    def close(self) -> None:
        """Close the file (standard output stays open)."""
        if self.path is not None:
            self._stream.close()

    def __enter__(self) -> PlatesWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
