"""OCR reads spread over worker processes (``plateplug bench --jobs N``).

The protocol's reader takes about a second per crop on one core and its onnxruntime threads
help little on images this small, so N processes, each with a one-thread reader, read N
crops at a time. Workers are spawned, not forked (a fork inherits thread pools the parent
started), and load the reader by its registered name, so any installed reader plugin works;
texts come back with their scores and heights (``readers.stored_text``).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

from plateplug.errors import PlateplugError
from plateplug.readers import Reader, load_reader, stored_text, text_from_stored

WORKER_THREADS = 1
_reader: Reader | None = None  # the worker process's reader


class ReaderPool:
    """The reader registered as ``name`` in ``jobs`` worker processes: a Reader (one image)
    with ``read_all`` (many, in order). Close it (or use it as a context manager)."""

    def __init__(self, name: str, jobs: int):
        if jobs < 1:
            raise PlateplugError(f"--jobs must be at least 1, got {jobs}")
        self.name = name
        self._executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start, initargs=(name,))

    def __call__(self, image: np.ndarray) -> list[str]:
        return self.read_all([image])[0]

    def read_all(self, images: Sequence[np.ndarray]) -> list[list[str]]:
        try:
            stored = list(self._executor.map(_read, images))
        except BrokenProcessPool as exc:
            raise PlateplugError(f"the {self.name} reader's worker processes stopped: "
                                 f"{exc}") from None
        return [[text_from_stored(item) for item in texts] for texts in stored]

    def close(self) -> None:
        self._executor.shutdown(cancel_futures=True)

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _start(name: str) -> None:
    global _reader
    _reader = load_reader(name, threads=WORKER_THREADS)


def _read(image: np.ndarray) -> list[str | list]:
    assert _reader is not None  # set by _start in each worker
    return [stored_text(text) for text in _reader(image)]
