"""Reads of images read before, so that a second bench reads only what changed.

A bench reads every HR reference, every bicubic input and every model's output; with a cache
file the next run (a new model, another LR height) reads only the images it has not seen. An
entry is keyed by the reader's name and the image's exact pixels (shape, dtype, bytes), so a
changed model output or degradation is read again; the key also holds ``KEY_FORMAT``, so
files written before text boxes kept their height are read afresh. The file holds JSON
lines, one per read, appended as each read finishes: a run stopped half way keeps what it
read, and a torn last line is skipped on the next load (and cut off before the next write).
Readers of another version may read differently: use one file per reader installation.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from plateplug.errors import PlateplugError
from plateplug.readers import Reader, ScoredText

KEY_FORMAT = 2  # 2: text boxes keep their height, so reads stored without it are read again


class ReadCache:
    """The reads stored in ``path`` (created on the first new read)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.reused = 0
        self.read = 0
        self._reads: dict[str, list[str]] = {}
        self._intact = -1  # bytes before a torn last line, cut off before the next write
        if self.path.is_dir():
            raise PlateplugError(f"--read-cache {self.path}: is a folder, not a file")
        if self.path.is_file():
            self._load()

    def _load(self) -> None:
        try:
            content = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PlateplugError(f"--read-cache {self.path}: cannot read it ({exc})") from None
        if content and not content.endswith("\n"):
            self._intact = len(content[: content.rfind("\n") + 1].encode("utf-8"))
        lines = content.splitlines()
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
                self._reads[entry["key"]] = [_text(item) for item in entry["texts"]]
            except (ValueError, KeyError, TypeError):
                if number < len(lines) or self._intact < 0:  # only a torn last line may be
                    raise PlateplugError(
                        f"--read-cache {self.path}: line {number} is not a read of plateplug "
                        "bench (delete the file to start a new cache)"
                    ) from None

    def __len__(self) -> int:
        return len(self._reads)

    def wrap(self, name: str, reader: Reader) -> Reader:
        """``reader`` (registered as ``name``) that answers from the cache when it can and
        stores every new read."""

        def cached(image: np.ndarray) -> list[str]:
            key = image_key(name, image)
            if key in self._reads:
                self.reused += 1
                return list(self._reads[key])
            texts = reader(image)
            self._append(key, texts)
            self.read += 1
            return texts

        return cached

    def _append(self, key: str, texts: list[str]) -> None:
        stored = [_stored(t) for t in texts]
        try:
            if self._intact >= 0:
                os.truncate(self.path, self._intact)
                self._intact = -1
            line = (json.dumps({"key": key, "texts": stored}) + "\n").encode("utf-8")
            # one appending write per line: runs sharing the file interleave whole lines
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except OSError as exc:
            raise PlateplugError(f"--read-cache {self.path}: cannot write ({exc})") from None
        self._reads[key] = [_text(item) for item in stored]

    def summary(self) -> str:
        """What the cache saved in this run, for the report's notes."""
        return (f"OCR reads: {self.reused} reused from {self.path}, {self.read} new "
                f"(stored there)")


def image_key(reader: str, image: np.ndarray) -> str:
    """The cache key of ``reader`` reading ``image``: a hash of its name and exact pixels."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{KEY_FORMAT}|{reader}|{image.shape}|{image.dtype}|".encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    return digest.hexdigest()


def _stored(text: str) -> str | list:
    """A text box as stored: a plain string, or [text, score] and its height when known."""
    if not isinstance(text, ScoredText):
        return str(text)
    return [str(text), text.score] + ([] if text.height is None else [text.height])


def _text(item: str | list) -> str:
    """A stored text box: a plain string, or [text, score] or [text, score, height] for a
    reader that scores."""
    if isinstance(item, str):
        return item
    text, score, *height = item
    return ScoredText(str(text), float(score), float(height[0]) if height else None)
