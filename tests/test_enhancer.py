"""The Enhancer contract, exercised with tiny fixed ONNX models built by the test."""

import numpy as np
import pytest

from plateplug import runtime
from plateplug.enhancer import Enhancer, bucket
from plateplug.errors import InvalidImageError, ModelOutputError
from plateplug.models import OnnxEnhancer, OnnxModel
from tests.conftest import plate_like, set_metadata


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


def test_crops_of_one_size_bucket_share_a_call(enhancer, monkeypatch):
    sizes = [(20, 60), (18, 58), (8, 20), (17, 57), (20, 60)]
    crops = [plate_like(h, w, seed=w) for h, w in sizes]
    calls = count_calls(enhancer, monkeypatch)
    outs = enhancer.enhance_batch(crops)
    assert sorted(calls) == [(1, 3, 8, 20), (4, 3, 20, 60)]  # buckets 8 x 20 and 20 x 60
    for crop, out in zip(crops, outs, strict=True):
        np.testing.assert_array_equal(out, nearest(crop))


@pytest.mark.parametrize("side,padded", [(1, 4), (4, 4), (17, 20), (63, 64), (64, 64),
                                         (65, 72), (129, 144), (256, 256)])
def test_size_buckets(side, padded):
    assert bucket(side) == padded


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
    # 192 x 288 is its own size bucket: the whole-image call is not padded either
    image = np.random.default_rng(1).integers(0, 256, (192, 288, 3), dtype=np.uint8)
    shapes = []
    original = tiled._run
    monkeypatch.setattr(tiled, "_run", lambda b: shapes.append(b.shape) or original(b))
    out = tiled(image)
    assert out.shape == (768, 1152, 3)
    assert max(max(s[1], s[2]) for s in shapes) <= 64 + 2 * tiled.tile_overlap  # bounded
    assert len(shapes) == 3 * 5
    np.testing.assert_array_equal(out, whole(image))


@pytest.mark.slow
def test_very_large_input_2000_by_4000(tiny_onnx):
    model = OnnxModel("tiny", tiny_onnx()).load(device="cpu")
    image = np.full((2000, 4000, 3), 7, np.uint8)
    out = model(image)
    assert out.shape == (8000, 16000, 3) and int(out[::997, ::997].max()) == 7


@pytest.mark.parametrize("real,declared", [(2, "4"), (4, "1")])
@pytest.mark.parametrize("shape", [(20, 60, 3), (300, 300, 3)])  # one call, and tiles
def test_output_that_contradicts_the_declared_scale_is_refused(tiny_onnx, real, declared,
                                                               shape):
    path = set_metadata(tiny_onnx(scale=real), scale=declared)
    enhancer = OnnxModel("liar", path).load(device="cpu")
    with pytest.raises(ModelOutputError, match=f"model 'tiny' .*scale {declared}"):
        enhancer(np.zeros(shape, np.uint8))


def test_plugin_enhancer_with_the_wrong_output_size_is_refused():
    class Identity(Enhancer):
        def _run(self, batch):
            return batch  # says x2, returns x1

    with pytest.raises(ModelOutputError, match="model 'same' returned shape"):
        Identity("same", 2)(plate_like(300, 20))
    with pytest.raises(ModelOutputError, match="declared scale 2"):
        Identity("same", 2).enhance_batch([plate_like()])


def test_batch_takes_any_iterable(enhancer):
    crops = [plate_like(20, 60, seed=1), plate_like(10, 30, seed=2)]
    outs = enhancer.enhance_batch(c for c in crops)
    assert [o.shape for o in outs] == [(80, 240, 3), (40, 120, 3)]
    np.testing.assert_array_equal(outs[1], nearest(crops[1]))
    stacked = enhancer.enhance_batch(np.stack([crops[0], crops[0]]))  # N x H x W x 3
    assert len(stacked) == 2 and stacked[1].shape == (80, 240, 3)


@pytest.mark.parametrize("single", [plate_like(), plate_like()[..., 0].copy()])
def test_batch_refuses_one_image_array(enhancer, single):
    with pytest.raises(InvalidImageError, match=r"got one array of shape .*enhancer\(crop\)"):
        enhancer.enhance_batch(single)
    with pytest.raises(InvalidImageError, match=r"iterable\) of crops, got int"):
        enhancer.enhance_batch(42)


def test_batch_companions_do_not_change_a_crop_with_a_shipped_model():
    import plateplug

    model = plateplug.plugins.lookup("enhancer", "unet").item
    if model.unavailable_reason():
        pytest.skip(f"shipped unet unavailable: {model.unavailable_reason()}")
    enhancer = plateplug.load("unet", device="cpu", threads=1)
    sizes = [(20, 60), (21, 63), (19, 58), (23, 66), (16, 50), (24, 72), (22, 61), (18, 55),
             (40, 120), (37, 111), (12, 40), (33, 100)]
    crops = [plate_like(h, w, seed=i) for i, (h, w) in enumerate(sizes)]
    batched = enhancer.enhance_batch(crops)
    for crop, out in zip(crops, batched, strict=True):
        diff = int(np.abs(out.astype(int) - enhancer(crop)).max())
        assert diff <= 2, (crop.shape, diff)
