from plateplug.video import IoUTracker, iou


def test_iou():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    assert abs(iou((0, 0, 10, 10), (5, 0, 15, 10)) - 1 / 3) < 1e-9


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
