"""Which crops of a track get read, and the crop quality it compares."""

import cv2
import numpy as np
import pytest

from plateplug.reading import ReadingError, ReadPolicy, TrackReading, crop_quality


def plate(height: int, blur: float = 0.0) -> np.ndarray:
    width = height * 4
    image = np.full((height, width, 3), 255, np.uint8)
    cv2.putText(image, "AB123", (2, int(height * 0.8)), cv2.FONT_HERSHEY_SIMPLEX,
                height / 30, (0, 0, 0), max(1, height // 12))
    return cv2.GaussianBlur(image, (0, 0), blur) if blur else image


def test_larger_and_sharper_crops_score_higher():
    assert crop_quality(plate(64)) > crop_quality(plate(32))
    assert crop_quality(plate(64)) > crop_quality(plate(64, blur=4.0))
    assert crop_quality(np.full((20, 80, 3), 128, np.uint8)) == 0.0
    assert crop_quality(plate(40)[:, :, 0]) == pytest.approx(crop_quality(plate(40)), rel=0.05)


def reads_at(policy: ReadPolicy, qualities: list[float]) -> list[int]:
    """The frames a track seen with these crop qualities (one per frame) is read at."""
    track = TrackReading(1, 0, 0)
    read = []
    for frame, quality in enumerate(qualities):
        if track.due(policy, frame, quality):
            track.add(None, frame, quality)
            read.append(frame)
    return read


def test_first_sight_then_every_n_frames_up_to_the_cap():
    assert reads_at(ReadPolicy(every=5, max_reads=3), [1.0] * 30) == [0, 5, 10]
    assert reads_at(ReadPolicy(every=1, max_reads=None), [1.0] * 6) == [0, 1, 2, 3, 4, 5]
    assert reads_at(ReadPolicy(every=4, max_reads=None), [1.0] * 10) == [0, 4, 8]


def test_sharper_only_waits_for_a_better_crop():
    qualities = [5.0, 9.0, 4.0, 3.0, 6.0, 7.0, 8.0, 12.0, 11.0, 20.0]
    # 9.0 at frame 1 is not due yet (every 2); each later read beats the ones read before
    assert reads_at(ReadPolicy(every=2, max_reads=None, sharper_only=True), qualities) == \
        [0, 4, 6, 8]
    assert reads_at(ReadPolicy(every=2, max_reads=None), qualities) == [0, 2, 4, 6, 8]


@pytest.mark.parametrize("kwargs, message", [
    ({"every": 0}, "every must be at least 1"),
    ({"max_reads": 0}, "max_reads must be at least 1"),
])
def test_bad_policies_are_refused(kwargs, message):
    with pytest.raises(ReadingError, match=message):
        ReadPolicy(**kwargs)
