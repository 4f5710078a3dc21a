"""``plateplug bench --read-cache``: reads of images read before are reused, new ones stored."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from plateplug.bench.bursts import BurstConfig, run_bursts
from plateplug.bench.read_cache import ReadCache, image_key
from plateplug.bench.runner import BenchConfig, run_bench
from plateplug.cli import main
from plateplug.errors import PlateplugError
from plateplug.readers import ReaderModel, ScoredText
from tests.bench.conftest import CubicModel
from tests.conftest import register_in_code


class Counter:
    """A reader that reads the image's mean brightness as text and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, image: np.ndarray) -> list[str]:
        self.calls += 1
        return [ScoredText(f"M{int(image.mean())}", 0.5), "X"]


class CountingReaderModel(ReaderModel):
    name = "counting"

    def __init__(self, reader: Counter):
        self.reader = reader

    def load(self):
        return self.reader


@pytest.fixture
def counter(fresh_plugins):
    reader = Counter()
    register_in_code("bench_cache", enhancers=(CubicModel(),),
                     readers=(CountingReaderModel(reader),))
    return reader


def _image(value: int) -> np.ndarray:
    return np.full((8, 24, 3), value, np.uint8)


def test_a_second_read_of_the_same_pixels_comes_from_the_cache(tmp_path):
    reader, cache = Counter(), ReadCache(tmp_path / "reads.jsonl")
    cached = cache.wrap("counting", reader)
    first = cached(_image(10))
    again = cached(_image(10))
    other = cached(_image(11))
    assert reader.calls == 2 and (cache.reused, cache.read) == (1, 2)
    assert first == again == ["M10", "X"] and other == ["M11", "X"]
    assert isinstance(again[0], ScoredText) and again[0].score == 0.5
    assert not isinstance(again[1], ScoredText)  # an unscored box stays a plain string


def test_box_heights_are_kept_and_files_of_the_earlier_format_still_load(tmp_path):
    path = tmp_path / "reads.jsonl"
    tall = ScoredText("AB12", 0.9, 40.0)
    ReadCache(path).wrap("tall", lambda image: [tall, ScoredText("ohio", 0.8)])(_image(10))
    again = ReadCache(path).wrap("tall", Counter())(_image(10))
    assert again == ["AB12", "ohio"] and [t.height for t in again] == [40.0, None]
    key = image_key("old", _image(10))
    path.write_text(json.dumps({"key": key, "texts": [["AB12", 0.9]]}) + "\n")
    (old,) = ReadCache(path).wrap("old", Counter())(_image(10))
    assert (old.score, old.height) == (0.9, None)


def test_the_key_depends_on_reader_shape_and_every_pixel():
    image = _image(10)
    changed = image.copy()
    changed[7, 23, 2] = 11
    keys = {image_key("a", image), image_key("b", image), image_key("a", changed),
            image_key("a", image.reshape(24, 8, 3))}
    assert len(keys) == 4
    assert image_key("a", image) == image_key("a", image[:, ::-1][:, ::-1])  # a view


def test_reads_survive_into_the_next_run(tmp_path):
    path = tmp_path / "reads.jsonl"
    ReadCache(path).wrap("counting", Counter())(_image(10))
    reader = Counter()
    cache = ReadCache(path)
    assert len(cache) == 1
    assert cache.wrap("counting", reader)(_image(10)) == ["M10", "X"]
    assert reader.calls == 0
    assert cache.wrap("other", reader)(_image(10)) == ["M10", "X"] and reader.calls == 1


def test_a_torn_last_line_is_skipped_and_the_next_read_starts_a_new_line(tmp_path):
    path = tmp_path / "reads.jsonl"
    ReadCache(path).wrap("counting", Counter())(_image(10))
    path.write_text(path.read_text() + '{"key": "abc", "tex')  # a run stopped mid-write
    cache = ReadCache(path)
    assert len(cache) == 1
    cache.wrap("counting", Counter())(_image(11))
    assert len(ReadCache(path)) == 2
    assert all(json.loads(line) for line in path.read_text().splitlines()[-1:])


@pytest.mark.parametrize("content", ['not json\n{"key": "a", "texts": []}\n',
                                     '{"key": "a"}\n{"key": "b", "texts": []}\n',
                                     "a,b,c\n"])
def test_a_file_that_is_not_a_read_cache_is_refused(tmp_path, content):
    path = tmp_path / "reads.jsonl"
    path.write_text(content)
    with pytest.raises(PlateplugError, match="line 1 is not a read of plateplug bench"):
        ReadCache(path)
    assert path.read_text() == content  # left as it was


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(PlateplugError, match="is a folder"):
        ReadCache(tmp_path)


def test_a_second_bench_reads_only_what_changed(plate_dir, counter, fast_speed, tmp_path):
    cache = tmp_path / "reads.jsonl"
    config = BenchConfig(data=plate_dir, models=["cubic"], lr_heights=(16,), tracks=("clean",),
                         ocr="counting", read_cache=cache)
    first = run_bench(config)
    calls = counter.calls
    assert calls > 0 and len(ReadCache(cache)) == calls  # each image read once, stored once
    assert first.notes[-1].endswith(f"reused from {cache}, {calls} new (stored there)")
    second = run_bench(config)
    assert counter.calls == calls  # HR, bicubic, lanczos and cubic outputs all seen before
    assert [(r.method, r.ocr_read) for r in second.rows] == \
        [(r.method, r.ocr_read) for r in first.rows]
    assert second.notes[-1].endswith(f"reused from {cache}, 0 new (stored there)")
    run_bench(BenchConfig(data=plate_dir, models=["cubic"], lr_heights=(20,),
                          tracks=("clean",), ocr="counting", read_cache=cache))
    assert counter.calls > calls  # another LR height: new images, read and stored


def test_burst_bench_uses_the_cache_too(plate_dir, counter, tmp_path):
    config = BurstConfig(data=plate_dir, models=["cubic"], frames=2, lr_heights=(12,),
                         ocr="counting", read_cache=tmp_path / "reads.jsonl")
    first = run_bursts(config)
    calls = counter.calls
    second = run_bursts(config)
    assert counter.calls == calls
    assert [(r.method, r.ocr_read) for r in second.rows] == \
        [(r.method, r.ocr_read) for r in first.rows]


def test_cli_refuses_a_folder_as_the_cache(plate_dir, counter, tmp_path):
    result = CliRunner().invoke(main, ["bench", "--data", str(plate_dir), "-m", "cubic",
                                       "--ocr", "counting", "--read-cache", str(tmp_path),
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "Error:" in result.output and "Traceback" not in result.output


def test_two_runs_sharing_a_file_keep_both_runs_reads(tmp_path):
    path = tmp_path / "reads.jsonl"
    first, second = ReadCache(path), ReadCache(path)  # opened before either reads
    first.wrap("counting", Counter())(_image(10))
    second.wrap("counting", Counter())(_image(11))
    first.wrap("counting", Counter())(_image(12))
    reader = Counter()
    merged = ReadCache(path).wrap("counting", reader)
    assert [merged(_image(v))[0] for v in (10, 11, 12)] == ["M10", "M11", "M12"]
    assert reader.calls == 0
