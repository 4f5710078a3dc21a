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


@pytest.fixture
def videos(tmp_path: Path) -> Path:
    """videos/a.mp4, videos/sub/b.mp4 (12 frames each) and videos/bad.mp4 (not a video)."""
    folder = tmp_path / "videos"
    (folder / "sub").mkdir(parents=True)
    write_clip(folder / "a.mp4")
    write_clip(folder / "sub" / "b.mp4")
    (folder / "bad.mp4").write_bytes(b"not a video at all")
    return folder
