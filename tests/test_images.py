import numpy as np
import pytest

from plateplug.errors import InvalidImageError
from plateplug.images import canvas_blob, from_bgr, resize, to_bgr, to_blob


@pytest.mark.parametrize("bad,message", [
    ([[1, 2], [3, 4]], "numpy array, got list"),
    (np.zeros((0, 5, 3), np.uint8), "empty"),
    (np.zeros((4, 0), np.uint8), "empty"),
    (np.zeros((4, 4, 3), np.float32), "dtype uint8, got float32"),
    (np.zeros((4, 4, 3), np.uint16), "dtype uint8, got uint16"),
    (np.zeros((4,), np.uint8), "got shape"),
    (np.zeros((2, 4, 4, 3), np.uint8), "got shape"),
    (np.zeros((4, 4, 2), np.uint8), "1, 3 or 4 channels, got 2"),
    ("plate.png", "numpy array, got str"),
])
def test_bad_inputs_say_what_is_wrong(bad, message):
    with pytest.raises(InvalidImageError, match=message):
        to_bgr(bad)


def test_invalid_image_error_is_a_value_error():
    assert issubclass(InvalidImageError, ValueError)


@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 1), (5, 7, 3), (5, 7, 4)])
def test_layouts_round_trip(shape):
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    bgr, layout = to_bgr(image)
    assert bgr.shape == (5, 7, 3) and bgr.dtype == np.uint8
    back = from_bgr(bgr, layout, image)
    assert back.shape == shape
    if len(shape) == 3 and shape[2] == 4:
        np.testing.assert_array_equal(back[..., 3], image[..., 3])


@pytest.mark.parametrize("rgb", [False, True])
@pytest.mark.parametrize("std", [(0.25, 0.25, 0.25), (0.2, 0.25, 0.3)])
def test_to_blob_normalises_in_the_model_channel_order(rgb, std):
    images = np.random.default_rng(1).integers(0, 256, (2, 6, 9, 3), dtype=np.uint8)
    mean = (0.4, 0.45, 0.5)
    blob = to_blob(images, mean, std, rgb)
    ordered = images[..., ::-1] if rgb else images
    want = ((ordered / 255 - np.array(mean)) / np.array(std)).transpose(0, 3, 1, 2)
    assert blob.dtype == np.float32 and blob.shape == (2, 3, 6, 9)
    np.testing.assert_allclose(blob, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("rgb", [False, True])
@pytest.mark.parametrize("shape", [(6, 9), (4, 9), (6, 5), (3, 2)])
def test_canvas_blob_equals_to_blob_of_the_padded_canvas(rgb, shape):
    image = np.random.default_rng(2).integers(0, 256, (*shape, 3), dtype=np.uint8)
    canvas = np.full((6, 9, 3), 114, np.uint8)
    canvas[:shape[0], :shape[1]] = image
    mean, std = (0.4, 0.45, 0.5), (0.2, 0.25, 0.3)
    blob = canvas_blob(image, (9, 6), 114, mean, std, rgb)
    assert blob.dtype == np.float32 and blob.shape == (1, 3, 6, 9)
    assert np.array_equal(blob, to_blob([canvas], mean, std, rgb))  # bit for bit


def test_canvas_blob_refuses_an_image_larger_than_the_canvas():
    with pytest.raises(ValueError, match="does not fit"):
        canvas_blob(np.zeros((7, 9, 3), np.uint8), (9, 6), 0, (0, 0, 0), (1, 1, 1), False)


def test_resize_halves_to_a_2x2_average_then_maps_the_whole_image():
    image = np.random.default_rng(3).integers(0, 256, (40, 64, 3), dtype=np.uint8)
    half = resize(image, (32, 20))
    average = image.reshape(20, 2, 32, 2, 3).astype(float).mean(axis=(1, 3))
    assert np.abs(half - average).max() <= 1  # bilinear at exactly half, fixed-point rounding
    quarter = resize(image, (16, 10))
    assert quarter.shape == (10, 16, 3)
    assert np.abs(quarter - image.reshape(10, 4, 16, 4, 3).mean(axis=(1, 3))).max() <= 2
    edge = np.zeros((400, 640, 3), np.uint8)
    edge[:, 320:] = 255  # a step at the middle stays at the middle after 5x
    row = resize(edge, (128, 80))[40, :, 0]
    assert row[63] < 128 < row[64] and row[0] == 0 and row[-1] == 255
    assert resize(image, (128, 80)).shape == (80, 128, 3)  # enlargements: bilinear
