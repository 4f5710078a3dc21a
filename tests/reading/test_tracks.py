"""When two voted texts may be the same plate (tracks joined across a tracker loss)."""

import pytest

from plateplug.reading.tracks import same_plate_text


@pytest.mark.parametrize(("a", "b", "same"), [
    ("B101JGV", "B101JGV", True),
    ("B101JGV", "BY01JGV", True),  # one misread character
    ("B101JGV", "BY0IJGV", False),  # two
    ("B101JGV", "B101JG", False),  # another length
    ("AB1", "AB1", True),
    ("AB12", "AB13", False),  # too short to forgive a character
])
def test_equal_or_one_character_off_when_long_enough(a, b, same):
    assert same_plate_text(a, b) is same
