"""A track's enhanced crop is reused while its plate has not changed enough."""

import json

import cv2
import numpy as np
from videokit import FakeEnhancer, make_frame, plate_box

from plateplug.video import CropWriter, VideoSource, VideoWriter, iter_plates, process_video
from plateplug.video.enhancing import PlateEnhancer
from plateplug.video.reuse import Cached, CropCache, ReusePolicy, difference, thumbnail


def plate_crop(index: int = 0) -> np.ndarray:
    x1, y1, x2, y2 = plate_box(index, (160, 120))
    return make_frame(index)[y1:y2, x1:x2]


def cache_with_one_entry() -> CropCache:
    cache = CropCache(ReusePolicy(max_age=5))
    crop = plate_crop()
    cache.store(1, Cached(10, (40, 50), thumbnail(crop), crop))
    return cache


def test_the_same_plate_a_few_frames_later_is_reused():
    hit = cache_with_one_entry().lookup(1, 15, (40, 50), thumbnail(plate_crop()))
    assert hit is not None and hit.frame == 10


def test_an_old_result_a_resized_plate_or_a_changed_look_is_enhanced_again():
    cache, thumb = cache_with_one_entry(), thumbnail(plate_crop())
    assert cache.lookup(1, 16, (40, 50), thumb) is None  # older than max_age
    assert cache.lookup(1, 12, (40, 60), thumb) is None  # 20% taller
    assert cache.lookup(1, 12, (47, 50), thumb) is None  # 17% wider
    assert cache.lookup(1, 12, (42, 52), thumb) is not None  # 5% and 4%: the same
    assert cache.lookup(1, 12, (40, 50), thumb * 0.5) is None  # darker: looks different
    assert cache.lookup(2, 12, (40, 50), thumb) is None  # another track


def test_a_box_a_little_off_the_plate_is_no_change_but_another_plate_is():
    frame = make_frame(0)
    x1, y1, x2, y2 = plate_box(0, (160, 120))
    then = thumbnail(frame[y1:y2, x1:x2])
    shifted = thumbnail(frame[y1 + 3:y2 + 3, x1 + 3:x2 + 3])  # 6% of the plate's height
    assert difference(shifted, then) < ReusePolicy().max_difference
    other = frame[y1:y2, x1:x2].copy()
    cv2.putText(other, "Z9", (2, 40), cv2.FONT_HERSHEY_PLAIN, 2.0, (0, 0, 0), 3)
    assert difference(thumbnail(other), then) > ReusePolicy().max_difference


def test_prune_forgets_results_too_old_to_reuse():
    cache = cache_with_one_entry()
    cache.prune(15)
    assert cache.lookup(1, 15, (40, 50), thumbnail(plate_crop())) is not None
    cache.prune(16)
    assert cache.lookup(1, 12, (40, 50), thumbnail(plate_crop())) is None


def test_a_steady_plate_is_enhanced_once_per_max_age(clip, boxes_file):
    enhancer = FakeEnhancer()
    results = list(iter_plates(clip, enhancer, boxes=boxes_file, margin=0.0,
                               reuse=ReusePolicy(max_age=5)))
    assert enhancer.calls == 2  # frames 0 and 6 (12 frames, the plate slides 2 px a frame)
    assert [r.plates[0].reused_from for r in results] == [None] + [0] * 5 + [None] + [6] * 5
    assert all(np.array_equal(r.plates[0].enhanced, results[0].plates[0].enhanced)
               for r in results[:6])


def test_without_a_policy_every_crop_is_enhanced(clip, boxes_file):
    enhancer = FakeEnhancer()
    results = list(iter_plates(clip, enhancer, boxes=boxes_file))
    assert enhancer.calls == 12 and all(r.plates[0].reused_from is None for r in results)


def test_plate_enhancer_counts_and_keeps_tracks_apart():
    step = PlateEnhancer(FakeEnhancer(), reuse=ReusePolicy())
    crop = plate_crop()
    step(0, [1, 2], [crop, crop])
    out = step(1, [1, 3], [crop, crop])
    assert [o.frame for o in out] == [0, 1]  # track 1 reused, track 3 is new
    assert (step.enhanced, step.reused) == (3, 1)


def test_process_video_writes_reused_crops_once_and_counts_them(clip, boxes_file, tmp_path):
    from plateplug.video import read_boxes

    with VideoSource(clip) as src, VideoWriter(tmp_path / "out.mp4", src.fps, src.size) as out, \
            CropWriter(tmp_path / "crops", src.fps) as crops:
        summary = process_video(src, out, FakeEnhancer(), boxes=read_boxes(boxes_file),
                                crops=crops, reuse=ReusePolicy(max_age=5))
    assert (summary.frames, summary.plates, summary.enhanced, summary.reused) == (12, 12, 2, 10)
    lines = [json.loads(x) for x in (tmp_path / "crops" / "crops.jsonl").read_text().splitlines()]
    assert [x["reused_from"] for x in lines[:7]] == [None, 0, 0, 0, 0, 0, None]
    assert len(list((tmp_path / "crops").glob("*.png"))) == 2


def test_a_multi_frame_history_keeps_its_crops_when_the_frame_is_drawn_on():
    from plateplug.multiframe import MultiFrameEnhancer

    class FrameZero(MultiFrameEnhancer):
        def __init__(self) -> None:
            super().__init__("zero", 1, 2)

        def _fuse(self, bursts: np.ndarray) -> np.ndarray:
            return bursts[:, 0]

    step = PlateEnhancer(FrameZero(), max_input_height=None)
    frame = make_frame(0)
    x1, y1, x2, y2 = plate_box(0, (160, 120))
    step(0, [1], [frame[y1:y2, x1:x2]])
    frame[:] = 0  # what drawing in place may do once the frame is rendered
    (burst,) = step.history.update(1, [1], [plate_crop()])
    assert np.array_equal(burst[1], plate_crop())
