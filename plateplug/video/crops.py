"""Save every enhanced crop as a PNG plus one ``crops.jsonl`` line describing it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np

from plateplug.video.boxes import Box
from plateplug.video.errors import OutputError

INDEX_NAME = "crops.jsonl"


class CropWriter:
    """Writes ``frame{F:06d}_track{T}.png`` files and ``crops.jsonl`` (frame, time, box,
    track_id, file, crop_size, input_size, reused_from) into ``folder``, created if
    needed."""

    def __init__(self, folder: str | os.PathLike[str], fps: float):
        self.folder = Path(folder)
        self.fps = fps
        self.count = 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._index = open(self.folder / INDEX_NAME, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise OutputError(f"cannot write crops to {self.folder}: {exc.strerror}") from None

    def write(self, frame: int, box: Box, track_id: int, crop: np.ndarray, *,
              crop_size: tuple[int, int] | None = None,
              input_size: tuple[int, int] | None = None,
              reused_from: int | None = None) -> Path:
        """Save one enhanced crop and describe it in the index: ``crop_size`` is the
        ``(width, height)`` cut from the frame, ``input_size`` what the model was given
        (smaller when the crop was shrunk to the model's working height).
        ``reused_from``: the earlier frame whose result this is (its PNG, already written,
        is named instead of writing the same image again)."""
        name = f"frame{reused_from if reused_from is not None else frame:06d}_track{track_id}.png"
        path = self.folder / name
        if reused_from is None and not cv2.imwrite(str(path), crop):
            raise OutputError(f"cannot write {path}")
        record = {"frame": frame, "time": round(frame / self.fps, 3), "box": list(box),
                  "track_id": track_id, "file": name,
                  "crop_size": list(crop_size) if crop_size else None,
                  "input_size": list(input_size) if input_size else None,
                  "reused_from": reused_from}
        self._index.write(json.dumps(record) + "\n")
        self._index.flush()
        self.count += 1
        return path

    def close(self) -> None:
        """Close the index file."""
        self._index.close()

    def __enter__(self) -> CropWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
