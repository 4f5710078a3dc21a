"""The video pipeline's enhancement step with a multi-frame enhancer: each track's newest
crops (at the working size) are fused, reused results stay reused."""

import numpy as np

from plateplug.multiframe import MultiFrameEnhancer
from plateplug.video.enhancing import PlateEnhancer
from plateplug.video.reuse import ReusePolicy


class Recording(MultiFrameEnhancer):
    """x2 nearest of frame 0; records the crops of each burst it is given."""

    def __init__(self) -> None:
        super().__init__("rec", 2, 3)
        self.bursts: list[list[tuple[int, ...]]] = []

    def fuse_batch(self, bursts):
        bursts = [list(b) for b in bursts]
        self.bursts += [[c.shape for c in b] for b in bursts]
        return super().fuse_batch(bursts)

    def _fuse(self, bursts: np.ndarray) -> np.ndarray:
        return bursts[:, 0].repeat(2, axis=1).repeat(2, axis=2)


def _crop(value: int, h: int = 10, w: int = 30) -> np.ndarray:
    crop = np.full((h, w, 3), value, np.uint8)
    crop[2:8, 5:25] = 255 - value
    return crop


def test_each_track_gets_its_newest_crops_first():
    enhancer = Recording()
    step = PlateEnhancer(enhancer, max_input_height=None)
    for frame in range(4):
        out = step(frame, [7, 8], [_crop(40 + frame), _crop(90, 12, 36)])
        assert [o.image.shape for o in out] == [(20, 60, 3), (24, 72, 3)]
        assert all(o.frame == frame for o in out)
    assert [len(b) for b in enhancer.bursts] == [1, 1, 2, 2, 3, 3, 3, 3]


def test_crops_shrunk_to_the_working_height_before_fusing():
    enhancer = Recording()
    step = PlateEnhancer(enhancer, max_input_height=8)
    step(0, [1], [_crop(50, 16, 48)])
    step(1, [1], [_crop(60, 20, 60)])
    assert enhancer.bursts[-1] == [(8, 24, 3), (8, 24, 3)]


def test_reused_results_are_not_fused_again():
    enhancer = Recording()
    step = PlateEnhancer(enhancer, max_input_height=None, reuse=ReusePolicy())
    step(0, [1], [_crop(50)])
    out = step(1, [1], [_crop(50)])
    assert out[0].frame == 0 and len(enhancer.bursts) == 1
