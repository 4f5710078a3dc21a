"""Bench fixtures: generated plate crops with labels, a tiny enhancer and a fake reader."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from plateplug import Enhancer, EnhancerModel, ModelNotTrainedError
from plateplug.bench import speed
from plateplug.readers import ReaderModel
from tests.conftest import register_in_code
from tests.data.conftest import text_crop
from tests.detect.conftest import bright, plate_frame  # noqa: F401 (fixtures for test_bench_detector)

TEXTS = ["ABC123", "XYZ789", "KL42MN", ""]
FAKE_READING = "abc-123"  # the fake reader "reads" this on every image


def cubic_x4(image: np.ndarray) -> np.ndarray:
    """What the stand-in model does: x4 INTER_CUBIC."""
    h, w = image.shape[:2]
    return cv2.resize(image, (4 * w, 4 * h), interpolation=cv2.INTER_CUBIC)


class CubicEnhancer(Enhancer):
    """x4 INTER_CUBIC: a stand-in for a trained model."""

    def __init__(self) -> None:
        super().__init__("cubic", 4)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return np.stack([cubic_x4(b) for b in batch])


class CubicModel(EnhancerModel):
    name = "cubic"
    description = "INTER_CUBIC stand-in"

    def info(self) -> dict:
        return {"scale": 4, "parameters": 0}

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        return CubicEnhancer()


class UntrainedModel(EnhancerModel):
    name = "untrained"

    def unavailable_reason(self) -> str | None:
        return "not trained yet: no weights"

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        raise ModelNotTrainedError(f"model {self.name!r} is not trained yet")


class FakeReaderModel(ReaderModel):
    name = "fake"

    def load(self):
        return lambda image: [FAKE_READING[:3], FAKE_READING[3:]]


@pytest.fixture
def fake_plugin(fresh_plugins: None) -> Callable[..., None]:
    """Register enhancers (default: cubic, untrained) and the fake reader in code."""
    def register(*models: EnhancerModel) -> None:
        register_in_code("bench_fake", enhancers=models or (CubicModel(), UntrainedModel()),
                         readers=(FakeReaderModel(),))
    return register


@pytest.fixture
def fast_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the speed protocol's structure but do not spend a second per method."""
    monkeypatch.setattr(speed, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(speed, "MIN_RUNS", 5)


@pytest.fixture
def plate_dir(tmp_path: Path) -> Path:
    """crops/ with four generated plates (one unlabelled, one in a sub-folder) + labels.csv."""
    root = tmp_path / "crops"
    rows = []
    for i, text in enumerate(TEXTS):
        rel = f"sub/plate{i}.png" if i == 1 else f"plate{i}.png"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(root / rel), text_crop(text, seed=i))
        rows.append({"path": rel, "text": text})
    with (root / "labels.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["path", "text"])
        writer.writeheader()
        writer.writerows(rows)
    return root
