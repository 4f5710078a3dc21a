"""Multi-frame enhancers: fuse shapes, fewer/more frames than K, single-crop equivalence,
layouts, batching, bad input and the missing-weights path of the built-in mfsr."""

import types

import cv2
import numpy as np
import pytest

import plateplug
from plateplug.align import registration, shift_image
from plateplug.errors import (
    InvalidImageError,
    ModelFileError,
    ModelNotTrainedError,
    ModelOutputError,
)
from plateplug.metadata import ModelMetadata
from plateplug.multiframe import (
    MultiFrameEnhancer,
    OnnxMultiFrameModel,
    TrackFrames,
    frames_of,
    grid_of,
    is_multiframe,
)
from plateplug.shift_add import grid_channels, shift_add


class MeanNearest(MultiFrameEnhancer):
    """Mean of the K frames, enlarged by nearest neighbour; records each call's bursts."""

    def __init__(self, frames: int = 3, broken: bool = False):
        super().__init__("mean", 2, frames)
        self.calls: list[tuple[int, ...]] = []
        self.broken = broken

    def _fuse(self, bursts: np.ndarray) -> np.ndarray:
        self.calls.append(bursts.shape)
        mean = bursts.astype(np.float32).mean(axis=1).round().astype(np.uint8)
        out = mean.repeat(2, axis=1).repeat(2, axis=2)
        return out[:, 1:] if self.broken else out


def _plate(seed: int = 0, size: tuple[int, int] = (60, 24)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.full((size[1], size[0], 3), 200, np.uint8)
    for _ in range(8):
        x, y = int(rng.integers(2, size[0] - 8)), int(rng.integers(2, size[1] - 8))
        cv2.rectangle(img, (x, y), (x + 4, y + 6), (20, 20, 20), -1)
    return cv2.GaussianBlur(img, (0, 0), 0.8)


def test_one_crop_or_k_copies_equal_the_single_frame_call():
    enhancer, crop = MeanNearest(), _plate()
    single = enhancer(crop)
    assert single.shape == (48, 120, 3)
    np.testing.assert_array_equal(enhancer.fuse([crop]), single)
    np.testing.assert_array_equal(enhancer.fuse([crop, crop, crop]), single)


def test_fewer_frames_repeat_the_last_and_more_are_cut():
    enhancer = MeanNearest(frames=3)
    a, b = _plate(0), _plate(1)
    enhancer.fuse([a, b])
    assert enhancer.calls[-1] == (1, 3, 24, 60, 3)
    enhancer.fuse([a, b, a, b, a])
    assert enhancer.calls[-1] == (1, 3, 24, 60, 3)
    two = enhancer.fuse([a, b])
    np.testing.assert_array_equal(two, enhancer.fuse([a, b, b]))


def test_frames_are_registered_to_the_reference():
    enhancer, crop = MeanNearest(), _plate(2)
    moved = [shift_image(crop, 0.7, -0.5), shift_image(crop, -0.6, 0.4)]
    fused = enhancer.fuse([crop, *moved]).astype(int)
    naive = (np.mean([crop, *moved], axis=0).round().astype(np.uint8)
             .repeat(2, axis=0).repeat(2, axis=1).astype(int))
    exact = enhancer(crop).astype(int)
    assert np.abs(fused - exact).mean() < np.abs(naive - exact).mean() / 2


def test_crops_of_other_sizes_are_resized_and_output_follows_the_reference():
    enhancer = MeanNearest()
    reference = _plate(3)
    bigger = cv2.resize(reference, (75, 30), interpolation=cv2.INTER_CUBIC)
    assert enhancer.fuse([reference, bigger]).shape == (48, 120, 3)
    grey = cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY)
    assert enhancer.fuse([grey, bigger]).shape == (48, 120)


def test_fuse_batch_equals_fuse_and_groups_by_size():
    enhancer = MeanNearest()
    bursts = [[_plate(0), _plate(1)], [_plate(2, (40, 16)), _plate(3, (40, 16))],
              [_plate(4), _plate(5)]]
    batched = enhancer.fuse_batch(bursts)
    assert len(enhancer.calls) == 2  # two size buckets
    for out, burst in zip(batched, bursts):
        np.testing.assert_array_equal(out, enhancer.fuse(burst))


class GridMean(MeanNearest):
    """MeanNearest that takes shift-and-add channels at scale 2 and records them."""

    grid = 2

    def __init__(self) -> None:
        super().__init__(frames=3)
        self.grids: list[np.ndarray | None] = []

    def _fuse(self, bursts: np.ndarray, grids: np.ndarray | None = None) -> np.ndarray:
        self.grids.append(grids)
        return super()._fuse(bursts)


def test_an_enhancer_with_a_grid_gets_the_unwarped_frames_shift_and_add():
    enhancer, crop = GridMean(), _plate(6, (56, 24))  # 56 x 24: a size bucket of its own
    moved = [shift_image(crop, 0.7, -0.5), shift_image(crop, -0.6, 0.4)]
    enhancer.fuse([crop, *moved])
    found = registration([crop, *moved])
    np.testing.assert_array_equal(enhancer.grids[-1][0], shift_add(found.resized, found.shifts, 2))
    assert enhancer.grids[-1].shape == (1, grid_channels(2), 24, 56)
    enhancer.fuse([crop])  # one crop: K copies, unshifted
    np.testing.assert_array_equal(enhancer.grids[-1][0], shift_add([crop] * 3, [(0, 0)] * 3, 2))
    enhancer.fuse([crop, moved[0]])  # fewer than K: the last frame and its shift repeated
    found = registration([crop, moved[0]])
    np.testing.assert_array_equal(enhancer.grids[-1][0], shift_add(
        [*found.resized, found.resized[-1]], [*found.shifts, found.shifts[-1]], 2))


def test_grids_of_bursts_padded_to_a_size_bucket_are_padded_alike():
    enhancer, crop = GridMean(), _plate(7, (58, 23))  # padded to 60 x 24
    enhancer.fuse([crop, shift_image(crop, 0.4, 0.3)])
    assert enhancer.grids[-1].shape == (1, grid_channels(2), 24, 60)
    assert enhancer.calls[-1] == (1, 3, 24, 60, 3)


@pytest.mark.parametrize(("value", "grid"), [(None, 0), ("2", 2), ("4", 4)])
def test_grid_metadata_is_read(value, grid):
    extra = {"frames": "5"} | ({} if value is None else {"grid": value})
    assert grid_of(ModelMetadata(name="m", scale=4, extra=extra), "m.onnx") == grid


@pytest.mark.parametrize("value", ["x", "0", "99"])
def test_a_bad_grid_in_the_metadata_is_a_model_file_error(value):
    with pytest.raises(ModelFileError, match="grid"):
        grid_of(ModelMetadata(name="m", scale=4, extra={"grid": value}), "m.onnx")


@pytest.mark.parametrize("bad", [[], [np.zeros((4, 4), np.float32)], 5, np.zeros((8, 8, 3))])
def test_bad_bursts_raise_invalid_image(bad):
    with pytest.raises(InvalidImageError):
        MeanNearest().fuse(bad)


def test_wrong_output_shape_is_a_model_output_error():
    with pytest.raises(ModelOutputError, match="mean"):
        MeanNearest(broken=True).fuse([_plate(0), _plate(1)])


def test_frames_must_be_sensible():
    with pytest.raises(ValueError, match="frames=0"):
        MeanNearest(frames=0)
    assert is_multiframe(MeanNearest()) and not is_multiframe(MeanNearest(frames=1))


@pytest.mark.parametrize("value", [None, "x", "0", "999"])
def test_frames_metadata_is_checked(value):
    extra = {} if value is None else {"frames": value}
    with pytest.raises(ModelFileError, match="frames"):
        frames_of(ModelMetadata(name="m", scale=4, extra=extra), "m.onnx")


def test_onnx_file_without_frames_is_refused(tiny_onnx):
    model = OnnxMultiFrameModel(name="tiny", path=tiny_onnx())
    with pytest.raises(ModelFileError, match="frames"):
        model.load(device="cpu")


def test_missing_weights_mean_not_trained(tmp_path):
    model = OnnxMultiFrameModel(name="mf", path=tmp_path / "absent.onnx")
    assert "not trained" in model.unavailable_reason()
    assert model.info() == {}
    with pytest.raises(ModelNotTrainedError):
        model.load()


def test_builtin_mfsr_is_registered(fresh_plugins):
    model = plateplug.plugins.lookup("enhancer", "mfsr").item
    assert isinstance(model, OnnxMultiFrameModel)
    if model.unavailable_reason() is None:
        enhancer = plateplug.load("mfsr", device="cpu")
        assert enhancer.frames == 5 and is_multiframe(enhancer)
        assert enhancer.fuse([_plate(0), _plate(1)]).shape == (96, 240, 3)
    else:
        with pytest.raises(ModelNotTrainedError):
            plateplug.load("mfsr")


def test_track_frames_keeps_the_newest_crops_first_and_forgets_old_tracks():
    history = TrackFrames(frames=2, max_gap=3)
    crops = [np.full((2, 2, 3), v, np.uint8) for v in range(6)]
    assert [len(b) for b in history.update(0, [1, 2], crops[:2])] == [1, 1]
    bursts = history.update(1, [1], [crops[2]])
    assert [int(c[0, 0, 0]) for c in bursts[0]] == [2, 0]
    bursts = history.update(2, [1], [crops[3]])
    assert [int(c[0, 0, 0]) for c in bursts[0]] == [3, 2]  # at most 2, newest first
    assert len(history) == 2
    history.update(4, [1], [crops[4]])  # track 2 last seen at frame 0: more than 3 ago
    assert len(history) == 1


def test_a_plugin_ships_a_multi_frame_enhancer_through_register_enhancers(fresh_plugins):
    class MeanModel(plateplug.EnhancerModel):
        name = "mean-mf"

        def load(self, device: str = "auto", threads: int | None = None) -> MeanNearest:
            return MeanNearest()

    module = types.ModuleType("mf_plugin")

    @plateplug.hookimpl
    def register_enhancers(register):
        register(MeanModel())

    module.register_enhancers = register_enhancers
    plateplug.plugins.register_module(module, "mf_plugin")
    enhancer = plateplug.load("mean-mf")
    assert isinstance(enhancer, plateplug.MultiFrameEnhancer) and enhancer.frames == 3
    assert enhancer.fuse([_plate(0), _plate(1)]).shape == (48, 120, 3)
