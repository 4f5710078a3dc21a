"""Crops taller than the model's working height are shrunk to it before enhancing."""

import numpy as np
import pytest
from videokit import FakeEnhancer, make_frame

import plateplug
from plateplug.metadata import ModelMetadata
from plateplug.video import iter_plates
from plateplug.video.errors import VideoError
from plateplug.video.working import resolve_max_height, to_working_size, working_size


class DeclaringEnhancer(FakeEnhancer):
    """The fake x4 enhancer with ONNX-style metadata declaring a working height."""

    def __init__(self, max_input_height: int | None):
        super().__init__()
        self.metadata = ModelMetadata(name="fake", scale=4, max_input_height=max_input_height)
        self.heights: list[int] = []

    def _run(self, batch: np.ndarray) -> np.ndarray:
        self.heights.append(batch.shape[1])
        return super()._run(batch)


def test_working_size_keeps_small_crops_and_shrinks_tall_ones_keeping_the_aspect():
    assert working_size((120, 30), 32) == (120, 30)
    assert working_size((240, 64), 32) == (120, 32)
    assert working_size((240, 64), None) == (240, 64)
    crop = np.zeros((64, 240, 3), np.uint8)
    assert to_working_size(crop, 32).shape == (32, 120, 3)
    assert to_working_size(crop, 100) is crop


def test_auto_takes_the_models_declared_height_and_full_or_none_has_no_limit():
    assert resolve_max_height("auto", DeclaringEnhancer(24)) == 24
    assert resolve_max_height("auto", DeclaringEnhancer(None)) is None
    assert resolve_max_height("auto", FakeEnhancer()) is None  # no metadata: no limit
    assert resolve_max_height("full", DeclaringEnhancer(24)) is None
    assert resolve_max_height(16, DeclaringEnhancer(24)) == 16
    with pytest.raises(VideoError, match="max_input_height must be"):
        resolve_max_height(0, FakeEnhancer())


def test_tall_plates_are_enhanced_at_the_declared_height_and_say_so():
    enhancer = DeclaringEnhancer(max_input_height=25)
    (_, _, (plate,)), = iter_plates([make_frame(0)], enhancer, boxes={0: [(10, 35, 50, 85)]},
                                    margin=0.0)
    assert plate.crop.shape == (50, 40, 3)
    assert plate.input_size == (20, 25)
    assert plate.enhanced.shape == (100, 80, 3)  # 4x the working size, not 4x the crop
    assert enhancer.heights == [28]  # 25 px padded to its size bucket


def test_full_enhances_the_crop_at_its_own_size():
    enhancer = DeclaringEnhancer(max_input_height=25)
    (_, _, (plate,)), = iter_plates([make_frame(0)], enhancer, boxes={0: [(10, 35, 50, 85)]},
                                    margin=0.0, max_input_height="full")
    assert plate.input_size == (40, 50) and plate.enhanced.shape == (200, 160, 3)


@pytest.mark.parametrize("name, height", [("unet", 48), ("resnet", 32), ("srgan", 32)])
def test_the_shipped_enhancers_declare_their_working_height(name, height):
    model = next((m for m in plateplug.list_models() if m.name == name), None)
    if model is None or model.unavailable_reason() is not None:
        pytest.skip(f"{name} weights are not shipped here")
    enhancer = plateplug.load(name, device="cpu")
    assert (enhancer.metadata.min_input_height, enhancer.metadata.max_input_height) == (
        12, height)
    (_, _, (plate,)), = iter_plates([np.zeros((720, 1280, 3), np.uint8)], enhancer,
                                    boxes={0: [(100, 100, 400, 180)]})  # an 80 px plate
    assert plate.input_size[1] == height and plate.enhanced.shape[0] == 4 * height


def test_enhance_plates_works_at_the_declared_height_too():
    from plateplug.video import enhance_plates

    frame, box = make_frame(0), (10, 35, 50, 85)
    (out,) = enhance_plates(frame, [box], DeclaringEnhancer(25), margin=0.0)
    assert out.shape == (100, 80, 3)
    (out,) = enhance_plates(frame, [box], DeclaringEnhancer(25), margin=0.0,
                            max_input_height="full")
    assert out.shape == (200, 160, 3)
