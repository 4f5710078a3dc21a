"""Readers (OCR) as plugins: the registry, load_reader, and the built-in RapidOCR reader."""

import sys
import types
from pathlib import Path

import cv2
import numpy as np
import pytest

import plateplug
from plateplug import MissingExtraError, UnknownModelError, hookimpl, plugins
from plateplug.builtin_plugins import rapidocr_reader
from plateplug.readers import ReaderModel


class EchoReader(ReaderModel):
    name = "echo"

    def load(self):
        return lambda image: [f"{image.shape[0]}x{image.shape[1]}"]


class BrokenReader(ReaderModel):
    name = "broken"

    def unavailable_reason(self):
        return "needs something: install plateplug[something]"

    def load(self):
        raise AssertionError("must not be loaded")


@pytest.fixture
def readers(fresh_plugins):
    module = types.ModuleType("reader_plugin")

    @hookimpl
    def register_readers(register):
        register(EchoReader())
        register(BrokenReader())

    module.register_readers = register_readers
    plugins.register_module(module, "readers")


def test_registered_reader_loads_and_reads(readers):
    assert {"echo", "broken", "rapidocr"} <= set(plugins.registry("reader"))
    read = plateplug.load_reader("echo")
    assert read(np.zeros((3, 5, 3), np.uint8)) == ["3x5"]


def test_unavailable_and_unknown_readers(readers):
    with pytest.raises(MissingExtraError, match=r"install plateplug\[something\]"):
        plateplug.load_reader("broken")
    with pytest.raises(UnknownModelError, match="unknown reader 'nope'"):
        plateplug.load_reader("nope")


@pytest.fixture
def without_rapidocr(monkeypatch, fresh_plugins):
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # import rapidocr now fails
    rapidocr_reader._engine.cache_clear()
    yield
    rapidocr_reader._engine.cache_clear()


def test_rapidocr_missing_says_which_extra(without_rapidocr):
    model = plugins.lookup("reader", "rapidocr").item
    assert "install plateplug[ocr]" in model.unavailable_reason()
    with pytest.raises(MissingExtraError, match=r"plateplug\[ocr\]"):
        model.load()
    with pytest.raises(MissingExtraError, match=r"plateplug\[ocr\]"):
        plateplug.load_reader()


@pytest.mark.slow
def test_rapidocr_readers_read_a_clear_plate(fresh_plugins):
    pytest.importorskip("rapidocr")
    image = np.full((80, 300, 3), 255, np.uint8)
    cv2.putText(image, "ABC1234", (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.8, (0, 0, 0), 4)
    rapidocr_reader._engine.cache_clear()
    for name in ("rapidocr", "rapidocr-fast", "rapidocr-rec"):
        read = plateplug.load_reader(name)
        assert "".join(read(image)).replace(" ", "") == "ABC1234"
    assert plateplug.load_reader("rapidocr")(np.full((80, 300, 3), 255, np.uint8)) == []
    assert rapidocr_reader._engine.cache_info().currsize == 3  # one engine each, reused


@pytest.mark.slow
@pytest.mark.parametrize("size", [(180, 100), (90, 50)])
def test_rapidocr_fast_reads_both_rows_of_a_two_row_plate(fresh_plugins, size):
    pytest.importorskip("rapidocr")
    image = np.full((100, 180, 3), 255, np.uint8)
    cv2.putText(image, "AB12", (20, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (0, 0, 0), 3)
    cv2.putText(image, "CD345", (12, 90), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (0, 0, 0), 3)
    image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    assert plateplug.load_reader("rapidocr-fast")(image) == ["AB12", "CD345"]
    assert plateplug.load_reader("rapidocr-rec")(image) != ["AB12", "CD345"]  # one line only


@pytest.mark.parametrize("name", ["rapidocr", "rapidocr-fast"])
def test_rapidocr_falls_back_to_whole_crop_recognition(monkeypatch, fresh_plugins, name):
    class Result:
        def __init__(self, txts):
            self.txts = txts
            self.scores = tuple(0.5 + 0.1 * i for i in range(len(txts)))

    # rapidocr-fast: the detector at the crop's scale, no angle classifier
    first = () if name == "rapidocr" else rapidocr_reader.PLATE_SCALE
    answers = {first: ("",), rapidocr_reader.RECOGNITION_ONLY: ("ABC-1234",)}
    monkeypatch.setattr(rapidocr_reader, "_engine",
                        lambda params: lambda image: Result(answers[params]))
    read = plateplug.load_reader(name)
    assert read(np.zeros((8, 8, 3), np.uint8)) == ["ABC-1234"]  # detector found nothing
    answers[first] = ("XY", "12")
    texts = read(np.zeros((8, 8, 3), np.uint8))
    assert texts == ["XY", "12"]  # detector found text: kept
    assert [t.score for t in texts] == [0.5, 0.6]  # with RapidOCR's confidences


def test_rapidocr_texts_carry_their_box_heights(monkeypatch, fresh_plugins):
    class Detected:
        txts, scores = ("OHIO", "AB 12"), (0.9, 0.8)
        boxes = np.array([[[5, 2], [40, 3], [40, 13], [5, 12]],
                          [[2, 20], [60, 20], [60, 60], [2, 60]]], np.float32)

    class Recognised:  # recognition alone: no boxes, the whole image is the line
        txts, scores = ("AB12",), (0.7,)

    answers = {(): Detected(), rapidocr_reader.RECOGNITION_ONLY: Recognised()}
    monkeypatch.setattr(rapidocr_reader, "_engine", lambda params: lambda image: answers[params])
    texts = plateplug.load_reader("rapidocr")(np.zeros((64, 80, 3), np.uint8))
    assert texts == ["OHIO", "AB 12"] and [t.height for t in texts] == [11.0, 40.0]
    (whole,) = plateplug.load_reader("rapidocr-rec")(np.zeros((64, 80, 3), np.uint8))
    assert whole.height == 64.0


def test_rapidocr_fast_detects_at_the_crop_scale_without_the_angle_classifier():
    assert dict(rapidocr_reader.PLATE_SCALE) == {"Det.limit_side_len": 96,
                                                 "Global.use_cls": False}


def test_plates_are_read_with_the_fast_reader_and_measured_with_the_protocol_reader():
    from plateplug.bench.bursts import BurstConfig
    from plateplug.bench.runner import BenchConfig
    from plateplug.readers import DEFAULT_READER, PROTOCOL_READER

    assert (DEFAULT_READER, PROTOCOL_READER) == ("rapidocr-fast", "rapidocr")
    assert BenchConfig(data=Path(".")).ocr == BurstConfig(data=Path(".")).ocr == PROTOCOL_READER


def test_rapidocr_fast_takes_a_second_look_at_short_readings(monkeypatch, fresh_plugins):
    class Result:
        def __init__(self, txts):
            self.txts, self.scores = txts, (0.8,) * len(txts)

    answers = {rapidocr_reader.PLATE_SCALE: ("SB",),
               rapidocr_reader.RECOGNITION_ONLY: ("SB 90TZI",)}
    calls = []
    monkeypatch.setattr(rapidocr_reader, "_engine", lambda params: lambda image: (
        calls.append(params), Result(answers[params]))[1])
    read = plateplug.load_reader("rapidocr-fast")
    image = np.zeros((8, 8, 3), np.uint8)
    assert read(image) == ["SB 90TZI"]  # 2 plate characters found: the whole crop read too
    answers[rapidocr_reader.RECOGNITION_ONLY] = ("S",)
    assert read(image) == ["SB"]  # the longer reading is kept
    answers[rapidocr_reader.PLATE_SCALE] = ("SB", "90TZI")
    calls.clear()
    assert read(image) == ["SB", "90TZI"] and calls == [rapidocr_reader.PLATE_SCALE]


def test_the_protocol_reader_keeps_any_text_it_detects(monkeypatch, fresh_plugins):
    class Result:
        def __init__(self, txts):
            self.txts, self.scores = txts, (0.8,) * len(txts)

    answers = {(): ("-",), rapidocr_reader.RECOGNITION_ONLY: ("AB1234",)}
    monkeypatch.setattr(rapidocr_reader, "_engine",
                        lambda params: lambda image: Result(answers[params]))
    assert plateplug.load_reader("rapidocr")(np.zeros((8, 8, 3), np.uint8)) == ["-"]
