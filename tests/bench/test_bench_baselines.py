"""Baselines are Enhancers; the contrib ones degrade to a note when they cannot run."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from plateplug.bench import baselines
from tests.bench.conftest import text_crop


def test_interpolation_baselines_are_plain_resize():
    lr = text_crop("AB1")[::4, ::4].copy()
    found, _ = baselines.load_baselines(None)
    by_name = {b.enhancer.name: b.enhancer for b in found}
    assert set(by_name) >= {"bicubic", "lanczos"}
    for name, flag in (("bicubic", cv2.INTER_CUBIC), ("lanczos", cv2.INTER_LANCZOS4)):
        want = cv2.resize(lr, (lr.shape[1] * 4, lr.shape[0] * 4), interpolation=flag)
        np.testing.assert_array_equal(by_name[name](lr), want)
        np.testing.assert_array_equal(by_name[name].enhance_batch([lr, lr])[1], want)


def test_no_baselines_folder_is_a_note():
    found, notes = baselines.load_baselines(None)
    assert [b.enhancer.name for b in found] == ["bicubic", "lanczos"]
    assert "no --baselines folder" in notes[0]


def test_without_contrib_build_is_a_note(tmp_path, monkeypatch):
    monkeypatch.delattr(cv2, "dnn_superres", raising=False)
    found, notes = baselines.load_baselines(tmp_path)
    assert len(found) == 2
    assert "no cv2.dnn_superres" in notes[0] and "opencv-contrib" in notes[0]


@pytest.mark.skipif(not hasattr(cv2, "dnn_superres"), reason="needs an opencv-contrib build")
def test_missing_pb_files_are_notes(tmp_path):
    found, notes = baselines.load_baselines(tmp_path)
    assert len(found) == 2
    assert len(notes) == 3 and all("does not exist" in n for n in notes)


SHARED_BASELINES = Path(__file__).resolve().parents[3] / "shared" / "baselines"


@pytest.mark.skipif(not hasattr(cv2, "dnn_superres"), reason="needs an opencv-contrib build")
@pytest.mark.skipif(not SHARED_BASELINES.is_dir(), reason="needs ../shared/baselines/*.pb")
def test_dnn_superres_baselines_enlarge_x4():
    found, notes = baselines.load_baselines(SHARED_BASELINES)
    assert not notes
    lr = text_crop("AB1")[::3, ::3].copy()
    for b in found:
        assert b.enhancer(lr).shape == (lr.shape[0] * 4, lr.shape[1] * 4, 3)
