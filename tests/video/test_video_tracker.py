from plateplug.video import IoUTracker


def test_ids_stay_stable_while_plates_move():
    tracker = IoUTracker()
    first = tracker.update([(0, 0, 40, 10), (100, 50, 140, 60)])
    assert first == [1, 2]
    for step in range(1, 30):
        # listed in the other order, both moving 2 px per frame
        ids = tracker.update([(100 - 2 * step, 50, 140 - 2 * step, 60),
                              (2 * step, 0, 40 + 2 * step, 10)])
        assert ids == [2, 1]


def test_new_plate_gets_new_id_and_briefly_lost_plate_keeps_its_id():
    tracker = IoUTracker(max_lost=3)
    assert tracker.update([(0, 0, 40, 10)]) == [1]
    assert tracker.update([]) == []
    assert tracker.update([(200, 0, 240, 10)]) == [2]
    assert tracker.update([(1, 0, 41, 10), (200, 0, 240, 10)]) == [1, 2]


def test_lost_tracks_are_pruned():
    tracker = IoUTracker(max_lost=2)
    for i in range(100):
        tracker.update([(i * 50, 0, i * 50 + 40, 10)])  # a new plate every frame
    assert len(tracker.tracks) <= 3


def test_coast_moves_boxes_at_their_measured_velocity():
    tracker = IoUTracker()
    tracker.update([(0, 0, 40, 10)], [0.8])
    tracker.update([(4, 2, 44, 12)], [0.7])  # 4 px right, 2 px down per frame
    assert tracker.coast() == [(1, (8.0, 4.0, 48.0, 14.0), 0.7)]
    assert tracker.coast() == [(1, (12.0, 6.0, 52.0, 16.0), 0.7)]
    # the next detection is matched against the prediction and sets the velocity per frame
    assert tracker.update([(16, 8, 56, 18)]) == [1]
    assert tracker.tracks[1].velocity == (4.0, 2.0, 4.0, 2.0)


def test_coast_skips_plates_missing_from_the_last_detection():
    tracker = IoUTracker()
    tracker.update([(0, 0, 40, 10), (100, 0, 140, 10)])
    tracker.update([(0, 0, 40, 10)])
    assert [track_id for track_id, _, _ in tracker.coast()] == [1]


def test_fast_plates_keep_their_id_across_skipped_frames():
    tracker = IoUTracker()
    ids = [tracker.update([(x, 0, x + 40, 10)]) for x in (0, 10)]
    for frame in range(2, 20):
        x = 10 * frame
        if frame % 4:
            tracker.coast()
        else:  # 40 px jumps between detections: no overlap without the motion model
            ids.append(tracker.update([(x, 0, x + 40, 10)]))
    assert ids == [[1]] * len(ids)
