"""Training batches made in the main process or by forked worker processes (a GPU trains
faster than one core makes samples). The source is any object that draws from its ``rng``
attribute (a numpy Generator): in a worker it gets its own, seeded by the run's seed, the
start step and the worker id."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import cv2
import numpy as np
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

S = TypeVar("S")
T = TypeVar("T")


class BatchStream(IterableDataset, Generic[S, T]):
    """Endless ``draw(source)`` results."""

    def __init__(self, source: S, draw: Callable[[S], T], seed: Sequence[int]):
        self.source, self.draw, self.seed = source, draw, list(seed)

    def __iter__(self) -> Iterator[T]:
        worker = get_worker_info()
        if worker is not None:
            cv2.setNumThreads(1)
            self.source.rng = np.random.default_rng([*self.seed, worker.id])  # type: ignore[attr-defined]
        while True:
            yield self.draw(self.source)


def batches(source: S, draw: Callable[[S], T], workers: int, seed: Sequence[int],
            pin_memory: bool = False) -> Iterator[T]:
    """``draw(source)`` again and again: in this process (``workers`` 0, drawing from
    ``source.rng`` as it is) or in ``workers`` forked processes. Call ``prepare_fork`` before
    this process first uses OpenCV."""
    stream: BatchStream[S, T] = BatchStream(source, draw, seed)
    if workers == 0:
        return iter(stream)
    loader: DataLoader[Any] = DataLoader(stream, batch_size=None, num_workers=workers,
                                         pin_memory=pin_memory, prefetch_factor=4)
    return iter(loader)


def prepare_fork(workers: int) -> None:
    """With workers, keep OpenCV on one thread: a forked worker hangs on a thread pool its
    parent started."""
    if workers:
        cv2.setNumThreads(1)
