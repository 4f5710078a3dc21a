"""Glyph fonts: Hershey ids, the train extra's TrueType files, and drawing with either."""

import sys

import numpy as np
import pytest

from plateplug.data import fonts
from plateplug.data.fonts import GLYPH_HERSHEY, draw_glyph, glyph_fonts
from plateplug.data.plate_render import render_plate, text_mask
from plateplug.errors import MissingExtraError

pytest.importorskip("PIL")
pytest.importorskip("font_source_sans_pro")
pytest.importorskip("ttf_opensans")


def _ink_rows(canvas: np.ndarray) -> int:
    ys = np.nonzero(canvas.max(axis=1))[0]
    return int(ys.max() - ys.min() + 1)


def test_font_sets_name_hershey_ids_and_truetype_files():
    assert glyph_fonts("hershey") == GLYPH_HERSHEY
    truetype = glyph_fonts("truetype")
    assert len(truetype) == 8 and all(p.suffix == ".ttf" and p.is_file() for p in truetype)
    assert glyph_fonts("all") == GLYPH_HERSHEY + truetype
    with pytest.raises(ValueError, match="hershey, truetype, all"):
        glyph_fonts("comic")  # type: ignore[arg-type]


@pytest.mark.parametrize("font", [GLYPH_HERSHEY[0], *glyph_fonts("truetype")])
def test_glyphs_are_drawn_and_thickness_makes_them_heavier(font):
    canvas = np.zeros((150, 150), np.uint8)
    advance = draw_glyph(canvas, "H", (20, 100), font, 48, 1)
    if not isinstance(font, int):  # OpenCV sizes Hershey fonts by their whole height
        assert abs(_ink_rows(canvas) - 48) <= 2  # a TrueType capital: the asked height
    assert 20 < advance < 60 and canvas.max() == 255
    bold = np.zeros_like(canvas)
    draw_glyph(bold, "H", (20, 100), font, 48, 4)
    assert (bold > 127).sum() > 1.3 * (canvas > 127).sum()  # thickness makes it heavier


def test_truetype_text_masks_space_their_glyphs():
    font = glyph_fonts("truetype")[2]
    tight, wide = text_mask("AB12", font, 1, 0.0), text_mask("AB12", font, 1, 0.6)
    assert wide.shape[1] > tight.shape[1] * 1.2 and tight.shape[0] == wide.shape[0]
    assert 0 < tight.max() <= 1


def test_truetype_plates_keep_the_text_and_seeding_of_hershey_ones():
    truetype = glyph_fonts("truetype")
    for seed in range(8):
        hershey = render_plate(np.random.default_rng(seed))
        a = render_plate(np.random.default_rng(seed), fonts=truetype)
        b = render_plate(np.random.default_rng(seed), fonts=truetype)
        assert np.array_equal(a.image, b.image) and a.text == b.text
        assert a.text == hershey.text and a.image.shape == hershey.image.shape
        assert [(x.top, x.bottom) for x in a.lines] == [(x.top, x.bottom) for x in hershey.lines]
    differ = [not np.array_equal(render_plate(np.random.default_rng(s)).image,
                                 render_plate(np.random.default_rng(s), fonts=truetype).image)
              for s in range(8)]
    assert all(differ)


def test_missing_font_wheels_name_the_extra(monkeypatch):
    fonts.truetype_fonts.cache_clear()
    monkeypatch.setitem(sys.modules, "ttf_opensans", None)  # import fails as if not installed
    try:
        with pytest.raises(MissingExtraError, match=r"plateplug\[train\]"):
            glyph_fonts("truetype")
        assert glyph_fonts("hershey") == GLYPH_HERSHEY  # the built-in fonts need nothing
    finally:
        fonts.truetype_fonts.cache_clear()
