"""Honest timing of an Enhancer: warm-up first, then the median of many runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plateplug.enhancer import Enhancer

MIN_RUNS = 50
MIN_SECONDS = 1.0
MAX_RUNS = 1000
WARMUP = 3
BATCH_REPEATS = 3


@dataclass(frozen=True)
class Speed:
    """ms per crop at batch 1 (median) and crops per second through ``enhance_batch``."""

    ms_per_crop: float
    runs: int
    crops_per_s: float
    batch_crops: int


def ms_per_crop(enhancer: Enhancer, crop: np.ndarray) -> tuple[float, int]:
    """Median milliseconds of ``enhancer(crop)`` over at least MIN_RUNS runs after a warm-up.

    Runs go on until both MIN_RUNS runs and MIN_SECONDS have passed (at most MAX_RUNS).
    """
    for _ in range(WARMUP):
        enhancer(crop)
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < MAX_RUNS and (len(times) < MIN_RUNS
                                      or time.perf_counter() - start < MIN_SECONDS):
        t0 = time.perf_counter()
        enhancer(crop)
        times.append(time.perf_counter() - t0)
    return 1000.0 * statistics.median(times), len(times)


def crops_per_second(enhancer: Enhancer, crops: Sequence[np.ndarray]) -> float:
    """Throughput of ``enhance_batch(crops)``: one warm-up pass, median of BATCH_REPEATS."""
    enhancer.enhance_batch(crops)
    times = []
    for _ in range(BATCH_REPEATS):
        t0 = time.perf_counter()
        enhancer.enhance_batch(crops)
        times.append(time.perf_counter() - t0)
    return len(crops) / statistics.median(times)


def measure(enhancer: Enhancer, crop: np.ndarray, crops: Sequence[np.ndarray]) -> Speed:
    """Both speed numbers of the protocol for one enhancer."""
    ms, runs = ms_per_crop(enhancer, crop)
    return Speed(ms, runs, crops_per_second(enhancer, crops), len(crops))
