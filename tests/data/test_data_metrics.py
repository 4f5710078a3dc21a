"""PSNR-Y and SSIM-Y against scikit-image, the OCR rule and the plate line on fixed strings."""

import numpy as np
import pytest

from plateplug.data.metrics import luma, normalise_text, plate_line, plate_read, psnr_y, ssim_y
from plateplug.readers import ScoredText
from tests.data.conftest import text_crop

skmetrics = pytest.importorskip("skimage.metrics")


def _pairs():
    rng = np.random.default_rng(7)
    clean = text_crop("AB12CD")
    noisy = np.clip(clean + rng.normal(0, 20, clean.shape), 0, 255).astype(np.uint8)
    a = rng.integers(0, 256, (23, 41, 3), dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-40, 40, a.shape), 0, 255).astype(np.uint8)
    shifted = np.roll(clean, 2, axis=1)
    return [(noisy, clean), (b, a), (shifted, clean)]


@pytest.mark.parametrize("index", range(3))
def test_psnr_matches_skimage(index):
    out, ref = _pairs()[index]
    want = skmetrics.peak_signal_noise_ratio(luma(ref), luma(out), data_range=255)
    assert psnr_y(out, ref) == pytest.approx(want, abs=1e-3)


@pytest.mark.parametrize("index", range(3))
def test_ssim_matches_mean_of_skimage_full_map(index):
    out, ref = _pairs()[index]
    # skimage's returned mean crops the border; the protocol averages the whole map
    _, full = skmetrics.structural_similarity(
        luma(out), luma(ref), gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=255, full=True)
    assert ssim_y(out, ref) == pytest.approx(float(full.mean()), abs=1e-3)


def test_identical_images():
    img = text_crop("Q1")
    assert psnr_y(img, img) == float("inf")
    assert ssim_y(img, img) == pytest.approx(1.0)


def test_luma_is_opencv_ycrcb_y():
    img = np.array([[[0, 0, 255], [255, 255, 255]]], np.uint8)  # red, white (BGR)
    assert luma(img).tolist() == [[76.0, 255.0]]


def test_normalise_text():
    assert normalise_text("ab-12 c!d ü") == "AB12CD"


@pytest.mark.parametrize(("label", "read", "ok"), [
    ("ABC1234", ["ABC1234"], True),
    ("ABC1234", ["abc-1234"], True),           # case and punctuation do not matter
    ("ABC1234", ["ABC", "1234"], True),         # boxes are joined
    ("ABC1234", ["BR", "ABC 1234", "RIO"], True),  # substring of everything read
    ("ABC1234", "xxABC1234yy", True),
    ("ABC1234", ["ABC123"], False),
    ("ABC1234", ["ABC1284"], False),
    ("ABC1234", [], False),
    ("", ["ABC"], False),                       # an empty label is never read
    ("ab-12", ["AB12"], True),                  # labels are normalised too
])
def test_plate_read_rule(label, read, ok):
    assert plate_read(label, read) is ok


def test_plate_line_keeps_the_tallest_text_and_leaves_out_small_print():
    boxes = [ScoredText("California", 0.9, 18.0), ScoredText("7ABC", 0.9, 47.0),
             ScoredText("123", 0.8, 40.0), ScoredText("dmv.ca.gov", 0.9, 11.0)]
    assert plate_line(boxes) == "7ABC123"  # 40 >= 0.7 x 47: the same line, in reading order
    assert plate_line([ScoredText("OX65", 0.9, 50.0)]) == "OX65"
    assert plate_line([]) == ""


def test_plate_line_is_the_whole_reading_when_the_reader_gives_no_heights():
    assert plate_line(["California", "7ABC123"]) == "CALIFORNIA7ABC123"
    assert plate_line([ScoredText("OHIO", 0.9), ScoredText("AB12", 0.9, 40.0)]) == "OHIOAB12"
