"""Verifier training: proposal labels, the joint threshold table, export parity, and a tiny
end-to-end run that points a detector file at its verifier."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import plateplug  # noqa: E402
from plateplug.detect import OnnxDetectorModel  # noqa: E402
from plateplug.detect.verifier import load_verifier  # noqa: E402
from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train.archs.plateverifier_arch import PlateVerifier  # noqa: E402
from plateplug.train.detector.verifier import (  # noqa: E402
    BACKGROUND,
    ONNX_NAME,
    PLATE,
    TABLE_NAME,
    UNSURE,
    Config,
    Samples,
    export_verifier,
    fit,
    label_proposals,
    pair_counts,
    pick_pair,
    probabilities,
    source_tables,
    train_verifier,
)

SHIPPED = plateplug.__file__.replace("__init__.py", "builtin_plugins/plate_detector/"
                                     "plate_detector.onnx")


def test_proposals_are_plates_background_or_left_out():
    truth = np.array([[0, 0, 100, 30]], np.float32)
    boxes = np.array([[0, 0, 100, 30], [0, 0, 40, 30], [300, 0, 400, 30], [500, 0, 600, 30]],
                     np.float32)
    ignored = np.array([[500, 0, 600, 30]], np.float32)  # a plate the labels miss
    np.testing.assert_array_equal(label_proposals(boxes, truth, ignored),
                                  [PLATE, UNSURE, BACKGROUND, UNSURE])
    assert list(label_proposals(boxes[:1], np.zeros((0, 4)), np.zeros((0, 4)))) == [BACKGROUND]


def test_pair_table_counts_only_proposals_passing_both_thresholds():
    truth = np.array([[0, 0, 100, 30]], np.float32)
    boxes = np.array([[0, 0, 100, 30], [300, 0, 400, 30], [0, 0, 100, 30]], np.float32)
    samples = Samples(crops=np.zeros((3, 32, 96, 3), np.uint8), labels=np.array([1, 0, 1]),
                      frames=np.array([0, 0, 0]), boxes=boxes,
                      scores=np.array([0.6, 0.9, -1.0]))  # the last is the labelled box
    verified = np.array([0.8, 0.2, np.nan])
    rows = pair_counts(samples, verified, [truth]).table()
    table = {(low, row.threshold): row for low, row in rows}
    alone = table[(0.0, 0.5)]
    assert (alone.recall, alone.precision) == (1.0, 0.5)
    both = table[(0.5, 0.5)]
    assert (both.recall, both.precision, both.f1) == (1.0, 1.0, 1.0)
    assert table[(0.5, 0.7)].recall == 0.0


def test_thresholds_are_picked_over_all_frames_and_reported_per_source():
    # frame 0 (source a): a plate found at score 0.9; frame 1 (b): a plate found at 0.4 and
    # three false boxes at 0.5. Over both frames the best F1 (2/3) keeps only the sure box
    # (score threshold 0.55 and up), where b's F1 is 0; keeping all (0.3-0.4: F1 4/7) gives
    # b its best, 0.4.
    truths = [np.array([[0, 0, 100, 30]], np.float32), np.array([[0, 0, 100, 30]], np.float32)]
    boxes = np.array([[0, 0, 100, 30], [0, 0, 100, 30], [200, 0, 300, 30], [400, 0, 500, 30],
                      [600, 0, 700, 30]], np.float32)
    samples = Samples(crops=np.zeros((5, 32, 96, 3), np.uint8), labels=np.array([1, 1, 0, 0, 0]),
                      frames=np.array([0, 1, 1, 1, 1]), boxes=boxes,
                      scores=np.array([0.9, 0.4, 0.5, 0.5, 0.5]))
    verified = np.full(5, 0.5)
    tally = pair_counts(samples, verified, truths)
    table, by_source = tally.table(), source_tables(tally, ["a", "b"])
    assert sorted(by_source) == ["a", "b"]
    all_kept = [row for low, row in by_source["b"] if (low, row.threshold) == (0.0, 0.3)][0]
    assert (all_kept.recall, all_kept.precision) == (1.0, 0.25)
    chosen = pick_pair(table)
    low, row = table[chosen]
    assert (low, row.threshold, row.f1) == (0.0, 0.55, pytest.approx(2 / 3))
    assert by_source["b"][chosen][1].f1 == 0.0 and by_source["a"][chosen][1].f1 == 1.0


def test_exported_verifier_matches_torch(tmp_path):
    torch.manual_seed(0)
    net = PlateVerifier().eval()
    path = export_verifier(net, tmp_path / "v.onnx", "none")
    verifier = load_verifier(path, device="cpu")
    crops = np.random.default_rng(0).integers(0, 256, (5, 32, 96, 3), np.uint8)
    assert verifier.metadata.input_size == (96, 32) and verifier.metadata.parameters > 0
    got = verifier.session.run(None, {"image": crops.transpose(0, 3, 1, 2)
                                      .astype(np.float32) / 255})[0]
    assert got.shape == (5, 1)
    np.testing.assert_allclose(got[:, 0], probabilities(net, crops), atol=1e-5)


@pytest.mark.slow
def test_tiny_run_writes_the_verifier_and_its_thresholds(tiny_data, tmp_path):
    detector = tmp_path / "run" / "plate_detector.onnx"
    detector.parent.mkdir()
    shutil.copyfile(SHIPPED, detector)
    lines: list[str] = []
    path = train_verifier(Config(data=tiny_data, detector=detector, steps=3, batch=4),
                          log=lines.append)
    assert path == detector.with_name(ONNX_NAME) and path.is_file()
    table = detector.with_name(TABLE_NAME).read_text().splitlines()
    assert table[0] == "score_threshold,verifier_threshold,recall,precision,f1,f1_dashcam"
    assert len(table) == 1 + 20 * 11  # 20 verifier thresholds (0: none) x 11 score ones
    assert any(line.startswith("thresholds: score") for line in lines)
    loaded = OnnxDetectorModel("run", detector).load(device="cpu")
    meta = loaded.metadata
    assert (loaded.verifier is None) == (meta.verifier is None)
    assert meta.verifier in (None, ONNX_NAME)
    assert isinstance(loaded(np.zeros((180, 320, 3), np.uint8)), list)


def test_too_few_train_frames_is_a_clear_error(tmp_path):
    (tmp_path / "dashcam").mkdir()
    (tmp_path / "dashcam" / "boxes.csv").write_text("image,split,xmin,ymin,xmax,ymax\n")
    with pytest.raises(PlateplugError, match="at least 2 train frames, found 0"):
        train_verifier(Config(data=tmp_path, detector=tmp_path / "d.onnx"))


def test_widths_shape_the_fitted_verifier_and_are_named_in_its_metadata(tmp_path):
    crops = np.random.default_rng(2).integers(0, 256, (6, 32, 96, 3), np.uint8)
    config = Config(data=tmp_path, detector=tmp_path / "d.onnx", widths=(8, 12, 16), steps=2,
                    batch=4)
    net = fit(crops, np.array([0, 1] * 3), config)
    assert [m.out_channels for m in net.modules() if isinstance(m, torch.nn.Conv2d)] == [8, 12, 16]
    meta = load_verifier(export_verifier(net, tmp_path / "v.onnx", "none"), device="cpu").metadata
    assert meta.architecture == "PlateVerifier (3 conv blocks, 8-12-16 channels)"


def test_other_crop_sizes_and_context_are_exported_in_the_metadata(tmp_path):
    net = PlateVerifier().eval()
    path = export_verifier(net, tmp_path / "v.onnx", "none", size=(60, 20), context=2.0)
    verifier = load_verifier(path, device="cpu")
    assert verifier.metadata.input_size == (60, 20) and verifier.metadata.context == 2.0
    frame = np.random.default_rng(1).integers(0, 256, (100, 200, 3), np.uint8)
    assert verifier(frame, np.array([[50, 40, 110, 60]], np.float32)).shape == (1,)
