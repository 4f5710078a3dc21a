"""Helpers for the video tests: a fake enhancer and detector plugin, synthetic clips and a
fake capture. No real model and nothing from ../shared is used."""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

import plateplug
from plateplug.detect import Detection, Detector, DetectorModel
from plateplug.enhancer import Enhancer
from plateplug.models import EnhancerModel

PLATE = (40, 50)  # plate width, height in the synthetic clips


class FakeEnhancer(Enhancer):
    """x4 bicubic resize per crop; counts model calls."""

    def __init__(self) -> None:
        super().__init__("fake", 4)
        self.calls = 0

    def _run(self, batch: np.ndarray) -> np.ndarray:
        self.calls += 1
        return np.stack([cv2.resize(c, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
                         for c in batch])


class FakeEnhancerModel(EnhancerModel):
    name = "fake"

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        return FakeEnhancer()


class BrightDetector(Detector):
    """Boxes the bright plate rectangles of ``make_frame`` frames."""

    def _detect(self, frame: np.ndarray) -> list[Detection]:
        mask = (frame.min(axis=2) > 200).astype(np.uint8)
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        return [Detection((int(x), int(y), int(x + w), int(y + h)), 0.9)
                for x, y, w, h, area in stats[1:n] if area > 20]


class FakeDetectorModel(DetectorModel):
    name = "bright"

    def load(self, device: str = "auto", threads: int | None = None) -> Detector:
        return BrightDetector("bright")


fake_plugin = types.ModuleType("fake_video_plugin")


@plateplug.hookimpl
def _register_enhancers(register: Callable) -> None:
    register(FakeEnhancerModel())


@plateplug.hookimpl
def _register_detectors(register: Callable) -> None:
    register(FakeDetectorModel())


fake_plugin.register_enhancers = _register_enhancers
fake_plugin.register_detectors = _register_detectors


def plate_box(index: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where the plate of frame ``index`` is: moving slowly right."""
    w, h = size
    x = 10 + (index * 2) % max(1, w - PLATE[0] - 20)
    y = h // 2 - PLATE[1] // 2
    return x, y, x + PLATE[0], y + PLATE[1]


def make_frame(index: int, size: tuple[int, int] = (160, 120)) -> np.ndarray:
    """A dark frame with one white plate carrying dark marks."""
    w, h = size
    frame = np.full((h, w, 3), 40, np.uint8)
    frame[:, :, 1] = (np.arange(w) * 100 // w).astype(np.uint8)
    x1, y1, x2, y2 = plate_box(index, size)
    frame[y1:y2, x1:x2] = 255
    cv2.putText(frame, "AB1", (x1 + 2, y2 - 18), cv2.FONT_HERSHEY_PLAIN, 1.0, (0, 0, 0), 1)
    return frame


def write_clip(path: Path, frames: int = 12, size: tuple[int, int] = (160, 120),
               fps: float = 10.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    for i in range(frames):
        writer.write(make_frame(i, size))
    writer.release()
    return path


def count_frames(path: Path) -> tuple[int, float, tuple[int, int]]:
    """Frames actually decodable in ``path``, its fps and size."""
    cap = cv2.VideoCapture(str(path))
    assert cap.isOpened(), path
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n, fps, size


class FakeCapture:
    """Stands in for cv2.VideoCapture: ``frames`` items are arrays, None (an undecodable
    frame) or an exception to raise."""

    def __init__(self, frames: list, fps: float = 0.0, count: int = 0, opened: bool = True):
        self.frames = list(frames)
        self.fps, self.count, self.opened = fps, count, opened
        self.position = 0
        self.released = False

    def isOpened(self) -> bool:  # noqa: N802 - cv2's name
        return self.opened

    def get(self, prop: int) -> float:
        return {cv2.CAP_PROP_FPS: self.fps, cv2.CAP_PROP_FRAME_COUNT: self.count}.get(prop, 0.0)

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.position >= len(self.frames):
            return False, None
        item = self.frames[self.position]
        self.position += 1
        if isinstance(item, BaseException):
            raise item
        return item is not None, item

    def release(self) -> None:
        self.released = True
