"""Fixtures for the video adapter tests (helpers live in videokit.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from videokit import FakeCapture, FakeEnhancer, fake_plugin, plate_box, write_clip

from plateplug import plugins
from plateplug.video import sources


@pytest.fixture
def fake_plugins() -> Iterator[None]:
    """Registers the 'fake' enhancer and the 'bright' detector."""
    plugins.reset()
    plugins.register_module(fake_plugin, "fake-video")
    yield
    plugins.reset()


@pytest.fixture
def enhancer() -> FakeEnhancer:
    return FakeEnhancer()


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A 12-frame 160x120 10 fps mp4 with one moving plate."""
    return write_clip(tmp_path / "clip.mp4")


@pytest.fixture
def boxes_file(tmp_path: Path) -> Path:
    """Plate boxes of ``clip`` as JSONL."""
    path = tmp_path / "clip.boxes.jsonl"
    path.write_text("".join(json.dumps({"frame": i, "boxes": [list(plate_box(i, (160, 120)))]})
                            + "\n" for i in range(12)))
    return path


@pytest.fixture
def fake_capture(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list]:
    """``fake_capture(*captures)``: successive opens return these captures; returns the list
    of targets opened."""
    opened: list = []

    def install(*captures: FakeCapture) -> list:
        queue = list(captures)

        def factory(target: str | int) -> FakeCapture:
            opened.append(target)
            return queue.pop(0) if queue else FakeCapture([], opened=False)

        monkeypatch.setattr(sources, "open_capture", factory)
        return opened

    return install
