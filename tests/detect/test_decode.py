"""Decoding CenterNet maps to boxes, NMS, letterboxing and detector metadata."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from plateplug.detect.decode import decode_centernet, fit, letterbox, nms
from plateplug.detect.metadata import DetectorMetadata
from plateplug.detect.onnx_detector import to_detections
from plateplug.errors import ModelFileError
from plateplug.images import resize


def _map(h: int = 24, w: int = 40) -> np.ndarray:
    out = np.zeros((5, h, w), np.float32)
    out[0] = 0.01
    return out


def test_known_heatmap_decodes_to_its_box():
    out = _map()
    out[0, 10, 20] = 0.9
    out[0, 10, 21] = 0.6  # a neighbour, not a local maximum
    out[0, 3, 5] = 0.2  # below the threshold
    out[1:, 10, 20] = (0.5, 0.25, np.log(12.0), np.log(3.0))
    boxes, scores = decode_centernet(out, stride=4, threshold=0.3, max_detections=10,
                                     nms_iou=0.5)
    np.testing.assert_allclose(scores, [0.9])
    # centre ((20.5, 10.25) cells) * 4 = (82, 41); size 48 x 12 px
    np.testing.assert_allclose(boxes, [[58, 35, 106, 47]], atol=1e-4)


def test_decoding_keeps_separate_plates_and_caps_the_count():
    out = _map()
    for i, (y, x) in enumerate([(5, 5), (15, 30), (20, 10)]):
        out[0, y, x] = 0.9 - 0.1 * i
    boxes, scores = decode_centernet(out, 4, 0.3, 2, 0.5)
    assert len(boxes) == 2
    np.testing.assert_allclose(scores, [0.9, 0.8])


def test_empty_map_gives_no_boxes():
    boxes, scores = decode_centernet(_map(), 4, 0.3, 10, 0.5)
    assert boxes.shape == (0, 4) and scores.shape == (0,)


def test_nms_keeps_the_best_of_overlapping_boxes():
    a = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], np.float32)
    assert list(nms(a, np.array([0.5, 0.9, 0.7]), 0.5)) == [1, 2]


def test_letterbox_keeps_aspect_and_pads():
    frame = np.full((720, 1280, 3), 200, np.uint8)
    canvas, scale, offset = letterbox(frame, (640, 384), 114)
    assert canvas.shape == (384, 640, 3) and scale == 0.5 and offset == (0, 0)
    assert canvas[359, 0, 0] == 200 and canvas[360, 0, 0] == 114


def test_letterbox_enlarges_at_most_max_upscale_times_and_can_centre():
    frame = np.full((100, 200, 3), 200, np.uint8)
    canvas, scale, offset = letterbox(frame, (640, 384), 114)
    assert scale == 1.0 and offset == (0, 0) and canvas[99, 199, 0] == 200
    assert canvas[100, 0, 0] == 114 and canvas[0, 200, 0] == 114
    assert letterbox(frame, (640, 384), 114, max_upscale=2.5)[1] == 2.5
    canvas, scale, offset = letterbox(frame, (640, 640), 114, float("inf"), centre=True)
    assert scale == 3.2 and offset == (0, 160)
    assert canvas[159, 0, 0] == 114 and canvas[160, 0, 0] == 200 and canvas[480, 0, 0] == 114


@pytest.mark.parametrize("width", [960, 1280, 1920, 3840])
def test_letterbox_shrinks_bilinearly_with_halvings_below_half_size(width):
    frame = np.random.default_rng(0).integers(0, 256, (width * 9 // 16, width, 3), np.uint8)
    canvas, scale, _ = letterbox(frame, (640, 384), 114)
    assert np.array_equal(canvas[:360], resize(frame, (640, 360)))
    if width <= 1280:  # at most halving: one bilinear step
        assert np.array_equal(canvas[:360], cv2.resize(frame, (640, 360)))
    else:  # anti-aliased like area averaging: pixel noise averages out as much
        area = cv2.resize(frame, (640, 360), interpolation=cv2.INTER_AREA)
        plain = cv2.resize(frame, (640, 360), interpolation=cv2.INTER_LINEAR)
        assert canvas[:360].std() < 1.1 * area.std() < 0.5 * plain.std()
        smooth = cv2.GaussianBlur(frame, (0, 0), 4)  # and on detail it can hold, agrees
        difference = letterbox(smooth, (640, 384), 114)[0][:360].astype(int) - cv2.resize(
            smooth, (640, 360), interpolation=cv2.INTER_AREA)
        assert np.abs(difference).mean() < 0.5


def test_fit_scales_like_letterbox_without_the_canvas():
    frame = np.random.default_rng(1).integers(0, 256, (720, 1280, 3), np.uint8)
    scaled, scale = fit(frame, (896, 512))
    canvas, canvas_scale, _ = letterbox(frame, (896, 512), 114)
    assert scale == canvas_scale == 0.7 and scaled.shape == (504, 896, 3)
    assert np.array_equal(canvas[:504], scaled)
    assert fit(frame[:100, :200], (896, 512), max_upscale=2.0)[0].shape == (200, 400, 3)


def test_to_detections_clips_rounds_and_drops_empty_boxes():
    boxes = np.array([[-5.2, 3.6, 50.4, 200.0], [10, 10, 10, 20]], np.float32)
    found = to_detections(boxes, np.array([0.7, 0.5]), width=40, height=100)
    assert len(found) == 1
    assert found[0].box == (0, 4, 40, 100) and found[0].score == pytest.approx(0.7)


def test_metadata_round_trip_and_errors():
    meta = DetectorMetadata(name="d", input_size=(64, 32), stride=4, mean=(0.5, 0.5, 0.5))
    assert DetectorMetadata.from_props(meta.to_props()) == meta
    with pytest.raises(ModelFileError, match="not a plateplug detector"):
        DetectorMetadata.from_props({"plateplug.name": "x", "plateplug.scale": "4"})
    bad = meta.to_props() | {"plateplug.input_size": "63,32"}
    with pytest.raises(ModelFileError):
        DetectorMetadata.from_props(bad)


def test_metadata_scales_and_upscale_keys():
    meta = DetectorMetadata(name="d", input_size=(64, 32), stride=4)
    assert (meta.scales, meta.max_upscale, meta.scale_min_height) == ((1.0,), 1.0, 16)
    props = meta.to_props() | {"plateplug.scales": "1.0,0.35", "plateplug.max_upscale": "2",
                               "plateplug.scale_min_height": "24"}
    parsed = DetectorMetadata.from_props(props)
    assert (parsed.scales, parsed.max_upscale, parsed.scale_min_height) == ((1.0, 0.35), 2.0, 24)
    assert DetectorMetadata.from_props(parsed.to_props()) == parsed
    legacy = {k: v for k, v in meta.to_props().items() if k != "plateplug.max_upscale"}
    assert DetectorMetadata.from_props(legacy).max_upscale == 16.0  # made before the key
    for key, value in (("scales", "1.0,0"), ("scales", ""), ("max_upscale", "-1")):
        with pytest.raises(ModelFileError):
            DetectorMetadata.from_props(props | {f"plateplug.{key}": value})
