import pytest

from plateplug.video import BoxesFileError, read_boxes


def test_reads_boxes_per_frame_merging_and_rounding(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text('{"frame": 3, "boxes": [[1, 2, 30, 12.6]]}\n\n'
                    '{"frame": 3, "boxes": [[40, 2, 60, 12]]}\n{"frame": 5, "boxes": []}\n')
    assert read_boxes(path) == {3: [(1, 2, 30, 13), (40, 2, 60, 12)], 5: []}


@pytest.mark.parametrize("line, why", [
    ("not json", "not valid JSON"),
    ('{"boxes": []}', "expected an object"),
    ('{"frame": -1, "boxes": []}', "non-negative integer"),
    ('{"frame": 1.5, "boxes": []}', "non-negative integer"),
    ('{"frame": 1, "boxes": [1, 2, 3, 4]}', "must be [x1, y1, x2, y2]"),
    ('{"frame": 1, "boxes": [[1, 2, 3]]}', "must be [x1, y1, x2, y2]"),
    ('{"frame": 1, "boxes": [[5, 2, 3, 8]]}', "is empty"),
    ('{"frame": 1, "boxes": [[1, 2, NaN, 8]]}', "must be [x1, y1, x2, y2]"),
    ('{"frame": 1, "boxes": [[0, 0, 1e20, 1e20]]}', "coordinate beyond +-100,000 pixels"),
    ('{"frame": 1, "boxes": [[-100001, 0, 5, 5]]}', "coordinate beyond +-100,000 pixels"),
    ('{"frame": 1, "boxes": [[0, 0, 5, 1000000000000000000000]]}', "coordinate beyond"),
])
def test_bad_line_names_its_number(tmp_path, line, why):
    path = tmp_path / "b.jsonl"
    path.write_text('{"frame": 0, "boxes": [[1, 1, 5, 5]]}\n' + line + "\n")
    with pytest.raises(BoxesFileError, match="line 2") as info:
        read_boxes(path)
    assert why in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(BoxesFileError, match="does not exist"):
        read_boxes(tmp_path / "nope.jsonl")
