import cv2
import numpy as np
import pytest
from videokit import BrightDetector, make_frame, plate_box

from plateplug.errors import InvalidImageError
from plateplug.video import (
    FramePlates,
    crop_region,
    enhance_plates,
    iter_plates,
    load_detector,
)
from plateplug.video.errors import VideoError


def test_crop_region_adds_margin_and_clips():
    assert crop_region((10, 10, 50, 30), (100, 100, 3), 0.1) == (6, 8, 54, 32)
    assert crop_region((0, 0, 50, 30), (20, 40, 3), 0.1) == (0, 0, 40, 20)
    assert crop_region((200, 200, 250, 230), (100, 100, 3)) is None


def test_enhance_plates_uses_one_batch_call_and_keeps_order(enhancer):
    frame = make_frame(0)  # crops of one size bucket (20 x 40 once padded): one call
    boxes = [(10, 10, 50, 30), (60, 70, 98, 89), np.array([0, 0, 39, 18])]
    out = enhance_plates(frame, boxes, enhancer, margin=0.0)
    assert enhancer.calls == 1
    assert [o.shape for o in out] == [(80, 160, 3), (76, 152, 3), (72, 156, 3)]
    assert enhance_plates(frame, [], enhancer) == [] and enhancer.calls == 1


def test_enhance_plates_takes_detections(enhancer):
    frame = make_frame(0)
    detections = BrightDetector("bright")(frame)
    out = enhance_plates(frame, detections, enhancer, margin=0.0)
    assert out[0].shape == (4 * 50, 4 * 40, 3)


def test_enhance_plates_rejects_a_box_outside_the_frame(enhancer):
    with pytest.raises(InvalidImageError, match="box 1 .* outside the 160x120 frame"):
        enhance_plates(make_frame(0), [(0, 0, 10, 10), (500, 500, 510, 510)], enhancer)


def test_iter_plates_with_boxes_file_tracks_one_plate(clip, boxes_file, enhancer):
    results = list(iter_plates(clip, enhancer, boxes=boxes_file, margin=0.0))
    assert all(isinstance(r, FramePlates) for r in results)
    assert [r.index for r in results] == list(range(12))
    assert enhancer.calls == 12  # one model call per frame
    for index, frame, plates in results:
        (plate,) = plates
        assert plate.box == plate.region == plate_box(index, (160, 120))
        assert plate.track_id == 1 and plate.score is None
        assert plate.enhanced.shape == (200, 160, 3)
        assert frame.shape == (120, 160, 3)


def test_iter_plates_with_a_detector_on_plain_frames(enhancer):
    frames = (make_frame(i) for i in range(5))
    results = list(iter_plates(frames, enhancer, detector=BrightDetector("bright")))
    assert [len(r.plates) for r in results] == [1] * 5
    assert {r.plates[0].track_id for r in results} == {1}
    assert results[0].plates[0].score == 0.9


def test_iter_plates_ignores_boxes_outside_the_frame(enhancer):
    with pytest.warns(UserWarning, match="frame 0: box .* outside the frame"):
        results = list(iter_plates([make_frame(0)], enhancer,
                                   boxes={0: [(900, 900, 950, 920), (10, 10, 40, 20)]}))
    assert [p.box for p in results[0].plates] == [(10, 10, 40, 20)]


def test_load_detector_from_a_plugin(fake_plugins):
    detector = load_detector("bright")
    assert detector(make_frame(3))[0].box == plate_box(3, (160, 120))


def test_detect_every_runs_the_detector_on_every_nth_frame_and_coasts_between(enhancer):
    calls = []
    detector = BrightDetector("bright")

    def counting(frame):
        calls.append(frame)
        return detector(frame)

    frames = [make_frame(i) for i in range(9)]
    results = list(iter_plates(frames, enhancer, detector=counting, detect_every=3))
    assert len(calls) == 3
    assert [len(r.plates) for r in results] == [1] * 9
    assert {r.plates[0].track_id for r in results} == {1}
    # from the second detection on, the coasted boxes follow the plate (2 px per frame)
    for i in (4, 5, 7, 8):
        assert results[i].plates[0].box == plate_box(i, (160, 120))
        assert results[i].plates[0].score == 0.9


def test_a_cut_brings_the_next_detection_forward(enhancer):
    calls = []
    detector = BrightDetector("bright")

    def counting(frame):
        calls.append(len(calls))
        return detector(frame)

    # frames 4-8 are a new shot: the background 60 grey levels brighter, the plate elsewhere
    brighter = np.full((120, 160, 3), 60, np.uint8)
    frames = [make_frame(i) for i in range(4)]
    frames += [cv2.add(make_frame(i + 20), brighter) for i in range(4, 9)]
    results = list(iter_plates(frames, enhancer, detector=counting, detect_every=3))
    assert len(calls) == 4  # frames 0, 3, the cut at 4, then 7
    # the new shot's plate from the cut on (a new track: it stays put until frame 7)
    assert {r.plates[0].box for r in results[4:7]} == {plate_box(24, (160, 120))}
    assert results[4].plates[0].track_id == 2
    plain = list(iter_plates(frames, enhancer, detector=BrightDetector("b"), detect_every=3,
                             detect_at_cuts=False))
    assert plain[4].plates[0].box == plate_box(4, (160, 120))  # the old shot's plate, moved on


def test_detect_every_below_one_is_an_error(enhancer):
    with pytest.raises(VideoError, match="at least 1"):
        list(iter_plates([make_frame(0)], enhancer, detector=BrightDetector("b"),
                         detect_every=0))
