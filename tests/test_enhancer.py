"""The Enhancer contract, exercised with tiny fixed ONNX models built by the test."""

import numpy as np
import pytest

from plateplug import runtime
from plateplug.errors import InvalidImageError
from plateplug.models import OnnxEnhancer, OnnxModel
from tests.conftest import plate_like


def nearest(img: np.ndarray, s: int = 4) -> np.ndarray:
    return img.repeat(s, 0).repeat(s, 1)


@pytest.fixture
def enhancer(tiny_onnx):
    return OnnxModel("tiny", tiny_onnx()).load(device="cpu")


def test_bgr_crop_is_enlarged_exactly(enhancer):
    crop = plate_like(20, 60)
    out = enhancer(crop)
    assert out.shape == (80, 240, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, nearest(crop))
    assert enhancer.scale == 4 and enhancer.name == "tiny"
    assert enhancer.providers == ["CPUExecutionProvider"]


def test_input_is_not_modified(enhancer):
    crop = plate_like()
    before = crop.copy()
    enhancer(crop)
    np.testing.assert_array_equal(crop, before)


@pytest.mark.parametrize("h,w", [(1, 1), (1, 9), (13, 1), (17, 33)])
def test_any_size_from_one_pixel(enhancer, h, w):
    crop = plate_like(h, w)
    assert enhancer(crop).shape == (4 * h, 4 * w, 3)


def test_grey_and_bgra_keep_their_layout(enhancer):
    grey = plate_like()[..., 0].copy()
    out = enhancer(grey)
    assert out.shape == (80, 240) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, nearest(grey))
    bgra = np.dstack([plate_like(), np.full((20, 60), 200, np.uint8)])
    out = enhancer(bgra)
    assert out.shape == (80, 240, 4)
    np.testing.assert_array_equal(out[..., :3], nearest(bgra[..., :3]))
    assert (out[..., 3] == 200).all()


@pytest.mark.parametrize("bad", [np.zeros((0, 0, 3), np.uint8), np.zeros((4, 4, 3), float),
                                 np.zeros((2, 2, 2, 3), np.uint8), None, [[0]]])
def test_bad_input_raises_invalid_image_error(enhancer, bad):
    with pytest.raises(InvalidImageError):
        enhancer(bad)


def test_channel_order_from_metadata(tiny_onnx):
    bgr_model = OnnxModel("b", tiny_onnx("b.onnx", channel_order="BGR")).load(device="cpu")
    crop = plate_like()
    np.testing.assert_array_equal(bgr_model(crop), nearest(crop))


def test_pad_multiple_is_handled_by_the_runtime(tiny_onnx):
    model = OnnxModel("p", tiny_onnx("p.onnx", pad_multiple=8)).load(device="cpu")
    crop = plate_like(13, 21)
    np.testing.assert_array_equal(model(crop), nearest(crop))


def count_calls(enhancer, monkeypatch) -> list:
    calls = []
    original = enhancer.session.run
    monkeypatch.setattr(enhancer.session, "run",
                        lambda *a, **k: calls.append(a[1]["lr"].shape) or original(*a, **k))
    return calls


SIZES = [(20, 60), (16, 50), (24, 70), (20, 60), (12, 40)]


def test_batch_of_different_sizes_matches_single_calls(enhancer, monkeypatch):
    enhancer.max_padding = float("inf")  # what a CUDA session uses: one call
    crops = [plate_like(h, w, seed=h) for h, w in SIZES]
    calls = count_calls(enhancer, monkeypatch)
    outs = enhancer.enhance_batch(crops)
    assert len(calls) == 1  # five crops, one session call
    for crop, out in zip(crops, outs, strict=True):
        np.testing.assert_array_equal(out, nearest(crop))


def test_cpu_batches_only_crops_that_pad_cheaply(enhancer, monkeypatch):
    assert enhancer.max_padding == 1.25  # a CPU session
    crops = [plate_like(h, w, seed=w) for h, w in [(20, 60), (8, 20), (20, 62), (9, 21)]]
    calls = count_calls(enhancer, monkeypatch)
    outs = enhancer.enhance_batch(crops)
    # padding an 8 x 20 crop to 20 x 62 would cost 8 times its own pixels
    assert sorted(calls) == [(2, 3, 9, 21), (2, 3, 20, 62)]
    for crop, out in zip(crops, outs, strict=True):
        np.testing.assert_array_equal(out, nearest(crop))


def test_batch_respects_max_batch_and_layouts(enhancer):
    enhancer.max_batch = 2
    crops = [plate_like(10, 10 + i) for i in range(5)] + [plate_like(8, 8)[..., 0].copy()]
    outs = enhancer.enhance_batch(crops)
    assert [o.shape for o in outs] == [(40, 40 + 4 * i, 3) for i in range(5)] + [(32, 32)]
    with pytest.raises(InvalidImageError, match=r"crops\[1\]"):
        enhancer.enhance_batch([plate_like(), np.zeros((3, 3), np.float64)])


def test_large_image_is_tiled_without_seams(tiny_onnx, monkeypatch):
    path = tiny_onnx("blur.onnx", blur=True)
    whole = OnnxEnhancer(runtime.session(path, "cpu"), runtime.read_metadata(path))
    whole.tile = 10_000
    tiled = OnnxModel("blur", path).load(device="cpu")
    tiled.tile = 64
    image = np.random.default_rng(1).integers(0, 256, (200, 300, 3), dtype=np.uint8)
    shapes = []
    original = tiled._run
    monkeypatch.setattr(tiled, "_run", lambda b: shapes.append(b.shape) or original(b))
    out = tiled(image)
    assert out.shape == (800, 1200, 3)
    assert max(max(s[1], s[2]) for s in shapes) <= 64 + 2 * tiled.tile_overlap  # bounded
    assert len(shapes) == 4 * 5
    np.testing.assert_array_equal(out, whole(image))


@pytest.mark.slow
def test_very_large_input_2000_by_4000(tiny_onnx):
    model = OnnxModel("tiny", tiny_onnx()).load(device="cpu")
    image = np.full((2000, 4000, 3), 7, np.uint8)
    out = model(image)
    assert out.shape == (8000, 16000, 3) and int(out[::997, ::997].max()) == 7
