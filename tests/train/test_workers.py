"""plateplug.train.workers: batches drawn in this process follow the source's generator."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from plateplug.train.workers import batches  # noqa: E402


class Source:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)


def test_in_this_process_the_draws_follow_the_source_generator():
    stream = batches(Source(7), lambda s: s.rng.integers(1000, size=3), workers=0, seed=(0,))
    expected = np.random.default_rng(7)
    for _ in range(3):
        np.testing.assert_array_equal(next(stream), expected.integers(1000, size=3))
