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
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from plateplug.errors import PlateplugError
from plateplug.readers import Reader, read_all, stored_text, text_from_stored

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
                self._reads[entry["key"]] = [text_from_stored(item) for item in entry["texts"]]
            except (ValueError, KeyError, TypeError):
                if number < len(lines) or self._intact < 0:  # only a torn last line may be
                    raise PlateplugError(
                        f"--read-cache {self.path}: line {number} is not a read of plateplug "
                        "bench (delete the file to start a new cache)"
                    ) from None

    def __len__(self) -> int:
        return len(self._reads)

    def wrap(self, name: str, reader: Reader) -> CachedReader:
        """``reader`` (registered as ``name``) that answers from the cache when it can and
        stores every new read."""
        return CachedReader(self, name, reader)

    def _append(self, key: str, texts: list[str]) -> None:
        stored = [stored_text(t) for t in texts]
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
        self._reads[key] = [text_from_stored(item) for item in stored]

    def summary(self) -> str:
        """What the cache saved in this run, for the report's notes."""
        return (f"OCR reads: {self.reused} reused from {self.path}, {self.read} new "
                f"(stored there)")


class CachedReader:
    """A reader that answers from a ``ReadCache`` when it can: one image (a call) or many
    (``read_all``: the ones not in the cache read together by the reader's own
    ``read_all``, such as a pool's)."""

    def __init__(self, cache: ReadCache, name: str, reader: Reader):
        self.cache, self.name, self.reader = cache, name, reader

    def __call__(self, image: np.ndarray) -> list[str]:
        return self.read_all([image])[0]

    def read_all(self, images: Sequence[np.ndarray]) -> list[list[str]]:
        cache = self.cache
        keys = [image_key(self.name, image) for image in images]
        new: dict[str, int] = {}  # key -> the first image of it: each new image read once
        for i, key in enumerate(keys):
            if key not in cache._reads:
                new.setdefault(key, i)
        for key, texts in zip(new, read_all(self.reader, [images[i] for i in new.values()])):
            cache._append(key, texts)
        cache.read += len(new)
        cache.reused += len(keys) - len(new)
        return [list(cache._reads[key]) for key in keys]


def image_key(reader: str, image: np.ndarray) -> str:
    """The cache key of ``reader`` reading ``image``: a hash of its name and exact pixels."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{KEY_FORMAT}|{reader}|{image.shape}|{image.dtype}|".encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    return digest.hexdigest()
