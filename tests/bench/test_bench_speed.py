"""Speed: warm-up first, then the median of at least MIN_RUNS runs; batched throughput."""

import numpy as np

from plateplug.bench import speed
from tests.bench.conftest import CubicEnhancer


class CountingEnhancer(CubicEnhancer):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def _run(self, batch):
        self.calls += 1
        return super()._run(batch)


def test_batch1_runs_at_least_min_runs_after_warmup(monkeypatch):
    monkeypatch.setattr(speed, "MIN_SECONDS", 0.0)
    enhancer = CountingEnhancer()
    ms, runs = speed.ms_per_crop(enhancer, np.zeros((20, 60, 3), np.uint8))
    assert runs == speed.MIN_RUNS >= 50
    assert enhancer.calls == speed.WARMUP + runs
    assert ms > 0


def test_batch1_keeps_running_for_min_seconds(monkeypatch):
    monkeypatch.setattr(speed, "MIN_SECONDS", 0.2)
    monkeypatch.setattr(speed, "MIN_RUNS", 1)
    _, runs = speed.ms_per_crop(CubicEnhancer(), np.zeros((20, 60, 3), np.uint8))
    assert runs > 1


def test_measure_batched(monkeypatch):
    monkeypatch.setattr(speed, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(speed, "MIN_RUNS", 3)
    crops = [np.zeros((20, w, 3), np.uint8) for w in (50, 60, 70)]
    s = speed.measure(CubicEnhancer(), crops[0], crops)
    assert s.batch_crops == 3 and s.crops_per_s > 0 and s.runs == 3
