import numpy as np
import pytest
from videokit import make_frame

from plateplug.video import LAYOUTS, iter_plates, output_size, render


@pytest.fixture
def frame_plates(enhancer):
    return next(iter_plates([make_frame(30)], enhancer, boxes={0: [(70, 35, 110, 85)]}))


def test_output_sizes():
    assert [output_size(layout, (160, 120)) for layout in LAYOUTS] == [
        (160, 120), (160, 120), (320, 120)]
    with pytest.raises(ValueError, match="unknown layout"):
        output_size("mosaic", (1, 1))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_render_leaves_the_frame_alone(frame_plates, layout):
    frame = frame_plates.frame.copy()
    out = render(frame_plates.frame, frame_plates.plates, layout)
    assert out.shape[::-1][1:] == output_size(layout, (160, 120))
    assert np.array_equal(frame, frame_plates.frame)
    assert not np.array_equal(out[:, :160], frame) or layout == "side-by-side"


def test_replace_changes_only_the_plate_region(frame_plates):
    out = render(frame_plates.frame, frame_plates.plates, "replace")
    x1, y1, x2, y2 = frame_plates.plates[0].region
    outside = np.ones(out.shape[:2], bool)
    outside[y1:y2, x1:x2] = False
    assert np.array_equal(out[outside], frame_plates.frame[outside])


def test_side_by_side_shows_the_input_on_the_left(frame_plates):
    out = render(frame_plates.frame, frame_plates.plates, "side-by-side")
    assert np.array_equal(out[:, :160], frame_plates.frame)


def test_inset_shows_the_enlarged_plate_outside_its_box(frame_plates):
    out = render(frame_plates.frame, frame_plates.plates, "inset")
    changed = np.any(out != frame_plates.frame, axis=2)
    x1, y1, x2, y2 = frame_plates.plates[0].box
    changed[y1 - 2:y2 + 2, x1 - 2:x2 + 2] = False
    assert changed.sum() > 500  # the inset (and the label) lie beside the box


def test_render_with_no_plates(enhancer):
    frame = make_frame(0)
    assert np.array_equal(render(frame, [], "replace"), frame)


def test_inset_height_sets_the_inset_size(enhancer):
    frame = np.zeros((720, 1280, 3), np.uint8)
    box = (600, 500, 640, 530)
    (_, _, plates), = iter_plates([frame + 255], enhancer, boxes={0: [box]})
    for height in (60, 150):  # smaller and larger than the 4x crop (144 px)
        out = render(frame, plates, "inset", inset_height=height)
        rows = np.flatnonzero(np.all(out[:box[1] - 2] == 255, axis=2).any(axis=1))
        assert rows.max() - rows.min() + 1 == height - 2  # inside its 1 px border


@pytest.mark.parametrize("layout", ["inset", "replace"])
def test_in_place_draws_on_the_frame_itself(frame_plates, layout):
    expected = render(frame_plates.frame, frame_plates.plates, layout)
    frame = frame_plates.frame.copy()
    out = render(frame, frame_plates.plates, layout, in_place=True)
    assert out is frame and np.array_equal(out, expected)


def test_in_place_side_by_side_keeps_the_input(frame_plates):
    frame = frame_plates.frame.copy()
    out = render(frame, frame_plates.plates, "side-by-side", in_place=True)
    assert np.array_equal(frame, frame_plates.frame) and out.shape[1] == 320
