"""Synthetic scenes: made-up plate styles and pasting plates into frames."""

from __future__ import annotations

import numpy as np

from plateplug.detect.synth import compose, procedural_plate, random_background


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


def test_compose_returns_boxes_inside_the_image_after_the_existing_ones():
    rng = np.random.default_rng(3)
    scene = random_background(240, 320, rng)
    existing = np.array([[10, 10, 60, 30]], np.float32)
    plates = [procedural_plate(rng) for _ in range(3)]
    image, boxes = compose(scene, plates, (30, 90), rng, existing)
    assert image.shape == scene.shape and not np.array_equal(image, scene)
    assert np.array_equal(boxes[0], existing[0]) and 1 < len(boxes) <= 4
    assert (boxes[:, :2] >= 0).all() and (boxes[:, 2] <= 320).all() and (boxes[:, 3] <= 240).all()
