"""Defaults chosen for the source (file or live), each one replaceable."""

import pytest

from plateplug import PlateplugError
from plateplug.video import settings
from plateplug.video.reuse import ReusePolicy


@pytest.mark.parametrize("fps, every", [(10, 4), (25, 10), (30, 12), (1, 1), (120, 12)])
def test_detection_about_every_0_4_seconds(fps, every):
    assert settings.auto_detect_every(fps) == every


@pytest.mark.parametrize("cores, live, threads", [
    (1, False, 1), (2, False, 1), (2, True, 1), (4, False, 2), (4, True, 3), (16, False, 4)])
def test_threads_leave_the_decoding_and_encoding_cores_free(monkeypatch, cores, live, threads):
    monkeypatch.setattr(settings, "cpu_cores", lambda: cores)
    assert settings.auto_threads(live) == threads


def test_choose_fills_in_only_what_is_not_given(monkeypatch):
    monkeypatch.setattr(settings, "cpu_cores", lambda: 2)
    chosen = settings.choose(25.0, 720, live=False)
    assert chosen == settings.VideoSettings(detect_every=10, threads=1,
                                            reuse=ReusePolicy(max_age=25),
                                            max_input_height="auto", inset_height=108)
    given = settings.choose(25.0, 720, live=False, detect_every=1, threads=2, reuse=False,
                            max_input_height="full", inset_height=200)
    assert given == settings.VideoSettings(detect_every=1, threads=2, reuse=None,
                                           max_input_height="full", inset_height=200)
    assert not settings.choose(25.0, 720, live=False, detect_at_cuts=False).detect_at_cuts


def test_describe_names_the_cadence():
    assert settings.VideoSettings(detect_every=8).describe(32).startswith(
        "detect every 8 frames and at cuts, 1 inference thread, enhance at 32 px")
    assert settings.VideoSettings(detect_every=8, detect_at_cuts=False).describe(None) \
        .startswith("detect every 8 frames, ")
    assert settings.VideoSettings().describe(None).startswith("detect every frame, ")
    assert settings.VideoSettings(detect_every=3).pipeline_options()["detect_at_cuts"]
    assert settings.choose(10.0, 200, live=True).inset_height == settings.MIN_INSET_HEIGHT


@pytest.fixture
def with_copies(fresh_plugins, tiny_onnx):
    """Enhancers 'm' (with an installed int8 copy 'm-int8') and 'solo' (copy not installed)."""
    from plateplug.models import OnnxModel
    from tests.conftest import register_in_code

    m = OnnxModel(name="m", path=tiny_onnx("m.onnx"))
    tiny_onnx("m-int8.onnx", name="m-int8")
    solo = OnnxModel(name="solo", path=tiny_onnx("solo.onnx"))
    register_in_code("copies", enhancers=(m, m.int8(), solo, solo.int8()))


@pytest.mark.parametrize("name, precision, cpu, chosen", [
    ("m", "auto", True, "m-int8"), ("m", "auto", False, "m"), ("m", "fp32", True, "m"),
    ("m", "int8", False, "m-int8"), ("m-int8", "fp32", True, "m-int8"),
    ("solo", "auto", True, "solo")])
def test_int8_copy_on_a_cpu_when_installed(with_copies, monkeypatch, name, precision, cpu,
                                           chosen):
    monkeypatch.setattr(settings, "runs_on_cpu", lambda device: cpu)
    assert settings.choose_model(name, precision, "auto") == chosen


def test_int8_asked_without_a_copy_is_an_error(with_copies):
    with pytest.raises(PlateplugError, match="'solo' has no int8 copy installed"):
        settings.choose_model("solo", "int8", "cpu")
    with pytest.raises(PlateplugError, match="unknown precision 'fp16'"):
        settings.choose_model("m", "fp16", "cpu")
