"""plateplug.Pipeline with stub detector, enhancer and reader objects (and names)."""

from __future__ import annotations

import numpy as np
import pytest

import plateplug
from plateplug import InvalidImageError
from plateplug.detect import Detection
from plateplug.enhancer import Enhancer
from plateplug.models import EnhancerModel
from plateplug.multiframe import MultiFrameEnhancer
from plateplug.pipeline import Pipeline, PipelineError
from plateplug.readers import ReaderModel, ScoredText
from plateplug.reading import ReadPolicy
from plateplug.video import IoUTracker
from tests.conftest import register_in_code

SIZE = (120, 200)  # frame height, width


def box_at(index: int, x: int = 20) -> tuple[int, int, int, int]:
    """A 40 x 10 plate moving right by 2 px a frame."""
    return x + 2 * index, 50, x + 40 + 2 * index, 60


def frame() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, (*SIZE, 3), dtype=np.uint8)


class Twice(Enhancer):
    """x2 nearest-neighbour enlargement; counts calls."""

    def __init__(self) -> None:
        super().__init__("twice", 2)
        self.calls = 0

    def _run(self, batch: np.ndarray) -> np.ndarray:
        self.calls += 1
        return batch.repeat(2, axis=1).repeat(2, axis=2)


class ScriptedDetector:
    """Gives the boxes scripted for each call (one list per frame), score 0.8."""

    def __init__(self, boxes: list[list[tuple[int, int, int, int]]]):
        self.boxes = boxes
        self.calls = 0

    def __call__(self, image: np.ndarray) -> list[Detection]:
        self.calls += 1
        return [Detection(b, 0.8) for b in self.boxes[self.calls - 1]]


class ScriptedReader:
    """Answers each call with the next scripted text boxes; records crop sizes."""

    def __init__(self, *answers: list[str]):
        self.answers = list(answers)
        self.shapes: list[tuple[int, ...]] = []

    def __call__(self, image: np.ndarray) -> list[str]:
        self.shapes.append(image.shape)
        return self.answers.pop(0) if self.answers else []


def test_plates_carry_box_score_track_crops_and_voted_text():
    reader = ScriptedReader([ScoredText("AB1", 0.9)], [ScoredText("A81", 0.4)],
                            [ScoredText("AB7", 0.3)])
    enhancer = Twice()
    pipeline = Pipeline(ScriptedDetector([[box_at(i)] for i in range(12)]), enhancer, reader,
                        policy=ReadPolicy(every=5, max_reads=3))
    seen = [pipeline(frame()) for _ in range(12)]
    assert all(len(plates) == 1 for plates in seen)
    first, last = seen[0][0], seen[-1][0]
    assert first.box == box_at(0) and first.score == 0.8 and first.track_id == 1
    assert first.region == (16, 49, 64, 61)  # the box with a 10% margin
    assert first.crop.shape == (12, 48, 3) and first.enhanced.shape == (24, 96, 3)
    assert enhancer.calls == 12
    assert reader.shapes == [(24, 96, 3)] * 3  # the enhanced crops, frames 0, 5 and 10
    assert [i for i, plates in enumerate(seen) if plates[0].read is not None] == [0, 5, 10]
    assert (first.text, first.read.text, first.confidence) == ("AB1", "AB1", 0.9)
    assert seen[5][0].text == "AB1"  # B: 0.9 against 8: 0.4
    assert (last.text, last.read) == ("AB1", None)
    assert last.confidence == pytest.approx(1.2 / 3)  # B: 0.9 + 0.3 of three reads


def test_tracks_end_when_the_tracker_drops_them_and_are_popped_once():
    script = [[box_at(i), box_at(i, x=120)] for i in range(3)]
    script += [[box_at(i)] for i in range(3, 20)]
    pipeline = Pipeline(ScriptedDetector(script), Twice(), ScriptedReader(["AB1"], ["XY9"]),
                        policy=ReadPolicy(max_reads=1), tracker=IoUTracker(max_lost=2),
                        rejoin=0)
    for _ in range(6):
        pipeline(frame())
    ended = [t.track_id for t in pipeline.tracks() if t.ended]
    assert ended == [2]  # not seen in three detections: more than max_lost
    track = pipeline.tracks()[1]
    assert (track.text, track.first_frame, track.last_frame, track.seen) == ("XY9", 0, 2, 3)
    assert track.best_crop.shape == (24, 96, 3) and track.best_frame in (0, 1, 2)
    assert [t.track_id for t in pipeline.pop_ended()] == [2]
    assert pipeline.pop_ended() == []
    assert [t.track_id for t in pipeline.tracks()] == [1]
    for _ in range(14):
        pipeline(frame())
    final = pipeline.finish()
    assert [(t.track_id, t.text, t.last_frame, t.seen, t.ended) for t in final] == \
        [(1, "AB1", 19, 20, True)]
    assert pipeline.tracks() == []


def test_boxes_given_per_frame_replace_the_detector():
    pipeline = Pipeline(None, Twice(), None)
    plates = pipeline(frame(), boxes=[box_at(0)])
    assert [p.box for p in plates] == [box_at(0)] and plates[0].score is None
    assert pipeline(frame(), boxes=[]) == []
    with pytest.raises(PipelineError, match="no detector: pass the frame's boxes"):
        pipeline(frame())


def test_no_enhancer_reads_the_crops_as_they_are_and_no_reader_reads_nothing():
    reader = ScriptedReader(["AB1"])
    plates = Pipeline(None, None, reader)(frame(), boxes=[box_at(0)])
    assert np.array_equal(plates[0].enhanced, plates[0].crop)
    assert reader.shapes == [(12, 48, 3)] and plates[0].text == "AB1"
    plates = Pipeline(None, Twice(), None)(frame(), boxes=[box_at(0)])
    assert (plates[0].text, plates[0].confidence, plates[0].read) == (None, None, None)


def test_detect_every_moves_boxes_along_between_detections():
    detector = ScriptedDetector([[box_at(i)] for i in range(0, 12, 3)])
    pipeline = Pipeline(detector, Twice(), None, detect_every=3)
    seen = [pipeline(frame()) for _ in range(7)]
    assert detector.calls == 3
    assert [p[0].track_id for p in seen] == [1] * 7
    assert seen[1][0].box == seen[0][0].box  # no velocity before a second detection


def test_a_new_shot_is_detected_at_once():
    detector = ScriptedDetector([[box_at(0)], [box_at(0, x=120)]])
    pipeline = Pipeline(detector, Twice(), None, detect_every=10)
    pipeline(frame())
    seen = pipeline(255 - frame())  # a different picture: a cut
    assert detector.calls == 2 and seen[0].box == box_at(0, x=120)
    assert Pipeline(detector, Twice(), None, detect_every=10, detect_at_cuts=False)


def test_frame_index_and_bad_frames():
    pipeline = Pipeline(None, Twice(), ScriptedReader(["AB1"]))
    pipeline(frame(), boxes=[box_at(0)], index=40)
    pipeline(frame()[:, :, 0], boxes=[box_at(1)])  # grey frames work too
    track = pipeline.tracks()[0]
    assert (track.first_frame, track.last_frame) == (40, 41)
    with pytest.raises(InvalidImageError, match="frame must have dtype uint8"):
        pipeline(frame().astype(np.float32), boxes=[box_at(0)])
    with pytest.raises(PipelineError, match="detect_every must be at least 1"):
        Pipeline(None, None, None, detect_every=0)


class TwiceModel(EnhancerModel):
    name = "twice"

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        return Twice()


class EchoModel(ReaderModel):
    name = "echo"

    def load(self):
        return lambda image: [f"{image.shape[0]}X{image.shape[1]}"]


@pytest.fixture
def named(fresh_plugins):
    register_in_code("pipeline-test", enhancers=(TwiceModel(),), readers=(EchoModel(),))


def test_names_are_loaded_from_the_registry(named):
    pipeline = plateplug.Pipeline(None, "twice", "echo")
    assert isinstance(pipeline.enhancer, Twice)
    assert pipeline(frame(), boxes=[box_at(0)])[0].text == "24X96"
    with pytest.raises(plateplug.UnknownModelError, match="unknown reader 'nope'"):
        plateplug.Pipeline(None, "twice", "nope")


class FusingTwice(MultiFrameEnhancer):
    """x2 nearest of the mean of up to 3 frames; records how many crops each burst had."""

    def __init__(self) -> None:
        super().__init__("fusing", 2, 3)
        self.burst_lengths: list[int] = []

    def fuse_batch(self, bursts):
        bursts = [list(b) for b in bursts]
        self.burst_lengths += [len(b) for b in bursts]
        return super().fuse_batch(bursts)

    def _fuse(self, bursts: np.ndarray) -> np.ndarray:
        mean = bursts.mean(axis=1).round().astype(np.uint8)
        return mean.repeat(2, axis=1).repeat(2, axis=2)


def test_a_multi_frame_enhancer_fuses_each_tracks_newest_crops():
    enhancer = FusingTwice()
    pipeline = Pipeline(None, enhancer, None)
    for i in range(5):
        plates = pipeline(frame(), boxes=[box_at(i), box_at(i, x=120)])
        assert [p.enhanced.shape for p in plates] == [(24, 96, 3)] * 2
    assert enhancer.burst_lengths == [1, 1, 2, 2, 3, 3, 3, 3, 3, 3]


def jumping_plate(pipeline: Pipeline, frames: int = 12) -> list[list[plateplug.Plate]]:
    """Run a plate that jumps 100 px at frame 5: the tracker starts a second track."""
    return [pipeline(frame(), boxes=[box_at(i, x=20 if i < 5 else 120)]) for i in range(frames)]


def test_a_plate_lost_and_found_with_the_same_text_is_one_track():
    pipeline = Pipeline(None, Twice(), ScriptedReader(["AB1"], ["AB1"]),
                        policy=ReadPolicy(max_reads=1), tracker=IoUTracker(max_lost=2), rejoin=3)
    seen = jumping_plate(pipeline)
    assert [p[0].track_id for p in seen] == [1] * 5 + [2, 2] + [1] * 5  # joined at frame 7
    assert pipeline.pop_ended() == []  # nothing ended apart from the joined track
    (track,) = pipeline.finish()
    assert (track.track_id, track.merged, track.first_frame, track.last_frame) == \
        (1, [1, 2], 0, 11)
    assert (track.seen, track.text, len(track.reads), track.attempts) == (12, "AB1", 2, 2)


def test_a_plate_found_again_with_one_character_misread_is_one_track():
    pipeline = Pipeline(None, Twice(), ScriptedReader(["B101JGV"], ["BY01JGV"]),
                        policy=ReadPolicy(max_reads=1), tracker=IoUTracker(max_lost=2), rejoin=3)
    jumping_plate(pipeline)
    (track,) = pipeline.finish()
    assert (track.merged, len(track.reads)) == ([1, 2], 2)


@pytest.mark.parametrize(("answers", "rejoin"), [
    ((["AB1"], ["XY9"]), 3), ((["AB1"], ["AB2"]), 3), ((["B101JGV"], ["BY0IJGV"]), 3),
    ((["AB1"], ["AB1"]), 0)])
def test_other_texts_or_rejoin_0_keep_tracks_apart(answers, rejoin):
    pipeline = Pipeline(None, Twice(), ScriptedReader(*answers), policy=ReadPolicy(max_reads=1),
                        tracker=IoUTracker(max_lost=2), rejoin=rejoin)
    seen = jumping_plate(pipeline)
    assert [p[0].track_id for p in seen] == [1] * 5 + [2] * 7
    assert [(t.track_id, t.merged) for t in pipeline.finish()] == [(1, [1]), (2, [2])]


def test_an_ended_track_waits_rejoin_frames_then_is_popped():
    pipeline = Pipeline(None, Twice(), ScriptedReader(["AB1"]), tracker=IoUTracker(max_lost=2),
                        rejoin=4)
    for i in range(5):
        pipeline(frame(), boxes=[box_at(i)])
    popped = []
    for i in range(5, 12):
        pipeline(frame(), boxes=[])
        popped.append((i, [t.track_id for t in pipeline.pop_ended()]))
    # dropped by the tracker at frame 7 (2 lost frames), held until frame 4 + 4
    assert [i for i, ids in popped if ids] == [8]
    assert [t.track_id for t in pipeline.tracks()] == []
    with pytest.raises(PipelineError, match="rejoin must be 0 or more frames"):
        Pipeline(None, None, None, rejoin=-1)
