"""``plateplug bench --jobs N``: OCR reads in worker processes give the reads of one process."""

import numpy as np
import pytest

from plateplug.bench.read_pool import ReaderPool
from plateplug.bench.runner import BenchConfig, run_bench
from plateplug.errors import PlateplugError
from plateplug.readers import ScoredText, load_reader
from tests.bench.conftest import TEXTS, text_crop


def test_a_pool_reads_what_one_process_reads_in_order(fresh_plugins):
    pytest.importorskip("rapidocr")
    images = [text_crop(text, seed=i) for i, text in enumerate(TEXTS)] * 2
    alone = [load_reader("rapidocr-rec")(image) for image in images]
    with ReaderPool("rapidocr-rec", 2) as pool:
        pooled = pool.read_all(images)
        one = pool(images[1])
    assert pooled == alone and one == alone[1]
    assert any(texts for texts in alone)  # the crops hold text it reads
    for a, b in zip(alone, pooled):
        assert [t.score for t in a] == [t.score for t in b]
        assert all(isinstance(t, ScoredText) for t in b)


def test_a_bench_with_jobs_gives_the_rows_of_one_process(plate_dir, fake_plugin, fast_speed):
    pytest.importorskip("rapidocr")
    fake_plugin()
    rows = []
    for jobs in (1, 2):
        config = BenchConfig(data=plate_dir, models=["cubic"], lr_heights=(16,),
                             ocr="rapidocr-rec", jobs=jobs)
        rows.append([(r.method, r.track, r.ocr_read, r.ocr_total) for r in run_bench(config).rows])
    assert rows[0] == rows[1] and any(read for *_, read, _ in rows[0])


def test_too_few_jobs_and_a_reader_that_fails_in_the_workers_are_errors(fresh_plugins):
    with pytest.raises(PlateplugError, match="--jobs must be at least 1"):
        ReaderPool("rapidocr-rec", 0)
    with ReaderPool("no-such-reader", 1) as pool, \
            pytest.raises(PlateplugError, match="no-such-reader reader's worker processes"):
        pool.read_all([np.zeros((8, 8, 3), np.uint8)])
