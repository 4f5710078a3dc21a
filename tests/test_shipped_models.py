"""Smoke test of what the installed package ships: each built-in enhancer and the default
detector load, carry their metadata, and do their job on real images they never trained on
(validation plates and dashcam valid frames of ../shared; skipped where that is absent)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import plateplug
from plateplug.data.boxes import match_count
from plateplug.data.datasets import read_crops, select
from plateplug.data.frames import read_frames
from plateplug.data.metrics import psnr_y
from plateplug.data.protocol import make_burst, make_pair
from plateplug.video.working import declared_max_height
from tests.conftest import SHARED_DATA

pytest.importorskip("onnxruntime")
BUILT_IN = ("unet", "resnet", "srgan")
needs_shared = pytest.mark.skipif(not (SHARED_DATA / "plates").is_dir(),
                                  reason=f"{SHARED_DATA} (the shared plate data) is absent")


@pytest.fixture(scope="module")
def validation_crops() -> list[np.ndarray]:
    """Eight eu2 validation plates (no model trains on eu2)."""
    crops = [c for c in select(read_crops(SHARED_DATA / "plates"), "val")
             if c.key.startswith("eu2/")][:8]
    return [cv2.imread(str(c.path), cv2.IMREAD_COLOR) for c in crops]


@pytest.mark.parametrize("name", BUILT_IN)
def test_shipped_enhancer_loads_with_its_metadata(name):
    enhancer = plateplug.load(name, device="cpu")
    assert enhancer.name == name and enhancer.scale == 4
    out = enhancer(np.full((16, 48, 3), 128, np.uint8))
    assert out.shape == (64, 192, 3) and out.dtype == np.uint8


@pytest.mark.parametrize("name", (*BUILT_IN, "mfsr"))
def test_shipped_enhancer_declares_its_working_height(name):
    """Videos shrink taller crops to it; without it mfsr fused street.mp4's 84 px crops at
    full size (2.5 times the time per frame, one labelled plate fewer read)."""
    enhancer = plateplug.load(name, device="cpu")
    assert declared_max_height(enhancer) == (48 if name == "unet" else 32)


@pytest.mark.parametrize("name", BUILT_IN)
def test_the_int8_copy_gives_what_the_fp32_file_gives_on_a_light_plate(name):
    """Full-range int8 weights overflowed onnxruntime's uint8 x int8 kernels on CPUs without
    VNNI: stripes every 4 columns on light plates (18.5 dB against the fp32 output)."""
    plate = np.full((20, 60, 3), 232, np.uint8)
    for x in range(6, 54, 8):
        plate[4:16, x:x + 3] = 40
    fp32 = plateplug.load(name, device="cpu")(plate)
    int8 = plateplug.load(f"{name}-int8", device="cpu")(plate)
    assert psnr_y(int8, fp32) > 30


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("name", BUILT_IN)
def test_shipped_enhancer_beats_bicubic_on_unseen_plates(name, validation_crops):
    enhancer = plateplug.load(name, device="cpu")
    gains = []
    for crop in validation_crops:
        pair = make_pair(crop, 16, "clean")
        h, w = pair.hr.shape[:2]
        bicubic = cv2.resize(pair.lr, (w, h), interpolation=cv2.INTER_CUBIC)
        gains.append(psnr_y(enhancer(pair.lr), pair.hr) - psnr_y(bicubic, pair.hr))
    assert np.mean(gains) > 0.5, f"{name}: mean PSNR-Y gain over bicubic {np.mean(gains):.2f} dB"


@needs_shared
def test_shipped_resnet_routes_sharp_crops_to_its_sharp_input_weights(validation_crops):
    """resnet 1.8.0: the gate sends the protocol's clean shrink to resnet-sharp.onnx and its
    realistic (blurred, noisy, JPEG) LR to resnet.onnx."""
    enhancer = plateplug.load("resnet", device="cpu")
    assert isinstance(enhancer, plateplug.RoutedEnhancer)
    for track, height, sharp_at_least, sharp_at_most in (("clean", 16, 6, 8),
                                                         ("realistic", 20, 0, 1)):
        lrs = [make_pair(crop, height, track, f"eu2_{i}.png").lr
               for i, crop in enumerate(validation_crops)]
        sharp = sum(bool(enhancer.router.is_sharp(lr[None])[0]) for lr in lrs)
        assert sharp_at_least <= sharp <= sharp_at_most, f"{track} {height}: {sharp} of 8"


@needs_shared
@pytest.mark.slow
def test_shipped_detector_finds_most_plates_on_unseen_dashcam_frames():
    detector = plateplug.load_detector(device="cpu")
    assert detector.metadata.training_data and detector.metadata.parameters > 0
    frames = read_frames(SHARED_DATA / "dashcam", "valid")[:20]
    truths = sum(len(f.boxes) for f in frames)
    found = sum(match_count(detector(f.read()), f.box_array()) for f in frames)
    assert found >= 0.8 * truths, f"{found} of {truths} plates found"


@needs_shared
@pytest.mark.slow
def test_shipped_mfsr_fuses_bursts_better_than_srgan_on_frame_0(validation_crops):
    model = plateplug.plugins.lookup("enhancer", "mfsr").item
    if model.unavailable_reason() is not None:
        pytest.skip(f"mfsr ships no weights: {model.unavailable_reason()}")
    mfsr, srgan = plateplug.load("mfsr", device="cpu"), plateplug.load("srgan", device="cpu")
    assert mfsr.frames == 5
    gains = []
    for i, crop in enumerate(validation_crops):
        burst = make_burst(crop, 16, 5, seed_name=f"shipped{i}.png")
        gains.append(psnr_y(mfsr.fuse(burst.frames), burst.hr)
                     - psnr_y(srgan(burst.frames[0]), burst.hr))
    assert np.mean(gains) > 0.3, f"mfsr: mean PSNR-Y gain over srgan {np.mean(gains):.2f} dB"
