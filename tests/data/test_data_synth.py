"""Synthetic scenes: made-up plate styles and pasting plates into frames."""

from __future__ import annotations

import numpy as np

from plateplug.data.plate_render import procedural_plate
from plateplug.data.synth import compose, random_background, two_row_plate


def test_procedural_plates_are_seeded_and_cover_one_and_two_row_shapes():
    plates = [procedural_plate(np.random.default_rng(seed)) for seed in range(60)]
    again = [procedural_plate(np.random.default_rng(seed)) for seed in range(60)]
    assert all(np.array_equal(a, b) for a, b in zip(plates, again))
    aspects = [p.shape[1] / p.shape[0] for p in plates]
    assert min(aspects) < 2.0 < max(aspects) and max(aspects) <= 5.0
    for plate in plates:
        assert plate.dtype == np.uint8 and plate.ndim == 3 and 40 <= plate.shape[0] <= 80
        grey = plate.mean(axis=2)
        assert grey.max() - grey.min() > 60  # glyphs stand out from the plate


def test_compose_pastes_plates_inside_the_scene_deterministically():
    plate = np.full((20, 60, 3), 240, np.uint8)
    plate[5:15, 5:55:6] = 10
    results = []
    for _ in range(2):
        rng = np.random.default_rng(3)
        scene = random_background(120, 200, rng)
        results.append(compose(scene, [plate, plate], (20, 60), rng,
                               np.array([[0, 0, 10, 5]], np.float32)))
    (image, boxes), (image2, boxes2) = results
    np.testing.assert_array_equal(image, image2)
    np.testing.assert_array_equal(boxes, boxes2)
    assert len(boxes) >= 2 and (boxes[:, 2] <= 200).all() and (boxes[:, 3] <= 120).all()
    assert image.shape == (120, 200, 3) and image.dtype == np.uint8


def test_two_row_plates_stack_the_halves_of_a_one_row_crop():
    plate = np.zeros((20, 100, 3), np.uint8)
    plate[:, :50] = 200  # light left half, dark right half
    for seed in range(10):
        two = two_row_plate(plate, np.random.default_rng(seed))
        assert two.dtype == np.uint8 and two.shape[0] == 40
        assert 1.0 <= two.shape[1] / two.shape[0] <= 1.8 + 1e-6
        top, bottom = two[:20].mean(), two[20:].mean()
        assert top > 100 > bottom  # the left part is on top, the right part below
