"""Made-up plates with their text: seeded, labelled, and the rich styles' extras."""

import numpy as np

from plateplug.data.plate_render import PLATE_GLYPHS, render_plate, text_mask


def test_rich_plates_are_seeded_and_carry_their_text():
    plates = [render_plate(np.random.default_rng(s)) for s in range(40)]
    again = [render_plate(np.random.default_rng(s)) for s in range(40)]
    assert all(np.array_equal(a.image, b.image) and a.text == b.text
               for a, b in zip(plates, again))
    for p in plates:
        assert p.image.dtype == np.uint8 and p.image.ndim == 3
        assert 1 <= len(p.text) <= 18 and set(p.text) <= set(PLATE_GLYPHS)
        assert p.image.shape[0] >= 56  # large enough to be an x4 training target
    aspects = [p.image.shape[1] / p.image.shape[0] for p in plates]
    assert min(aspects) < 1.8 and max(aspects) > 3.0  # two-row and wide one-row plates


def test_rich_plates_are_mounted_on_a_margin():
    # the detector's plain plates fill their image; rich ones sit inside a margin of body
    # colour, like a detector's crop with its margin
    plain = render_plate(np.random.default_rng(5), rich=False).image
    assert 40 <= plain.shape[0] <= 80
    rich = [render_plate(np.random.default_rng(s)).image for s in range(10)]
    assert all(r.shape[0] >= 56 * 1.2 for r in rich)


def test_character_spacing_widens_the_text():
    tight = text_mask("AB12", 0, 2, 0.0)
    wide = text_mask("AB12", 0, 2, 0.6)
    assert wide.shape[1] > tight.shape[1] * 1.2
    assert tight.shape[0] == wide.shape[0] and 0 < tight.max() <= 1


def test_rows_can_be_fixed():
    one = [render_plate(np.random.default_rng(s), rows=1) for s in range(30)]
    two = [render_plate(np.random.default_rng(s), rows=2) for s in range(30)]
    assert all(len(p.text) <= 9 for p in one)  # at most 9 characters a row
    assert any(len(p.text) > 9 for p in two)
    aspect = [np.median([p.image.shape[1] / p.image.shape[0] for p in ps]) for ps in (one, two)]
    assert aspect[0] > aspect[1] + 0.5


def test_each_row_comes_with_its_text_and_band():
    for seed in range(20):
        for rows in (1, 2):
            plate = render_plate(np.random.default_rng(seed), rows=rows)
            lines = plate.lines
            assert len(lines) == rows and "".join(line.text for line in lines) == plate.text
            assert all(0 <= line.top < line.bottom <= 1 for line in lines)
            assert lines[0].top > 0.05  # below the mounting margin
    two = render_plate(np.random.default_rng(3), rows=2).lines
    assert two[0].top < two[1].top and two[0].bottom - two[1].top < 0.05  # stacked, barely overlap
