"""Many videos: planning, one after another in this process, and on a local Ray runtime."""

from pathlib import Path

import pytest
from videokit import write_clip

import plateplug
from plateplug.cli.enhance_videos import is_video_batch, plan_videos, read_list
from plateplug.video.batch import BatchOptions, VideoWorker, run_here


@pytest.fixture
def videos(tmp_path: Path) -> Path:
    """videos/a.mp4, videos/sub/b.mp4 (12 frames each) and videos/bad.mp4 (not a video)."""
    folder = tmp_path / "videos"
    (folder / "sub").mkdir(parents=True)
    write_clip(folder / "a.mp4")
    write_clip(folder / "sub" / "b.mp4")
    (folder / "bad.mp4").write_bytes(b"not a video at all")
    return folder


def test_many_videos_are_recognised(videos, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "p.png").write_bytes(b"x")
    (tmp_path / "list.txt").write_text("videos/a.mp4\n")
    assert is_video_batch((str(videos),), None, None)
    assert is_video_batch((str(tmp_path / "list.txt"),), None, None)
    assert is_video_batch((str(videos / "a.mp4"), str(videos / "bad.mp4")), None, None)
    assert is_video_batch((str(videos / "a.mp4"),), 2, None)
    assert not is_video_batch((str(videos / "a.mp4"),), None, None)  # one video: as before
    assert not is_video_batch((str(tmp_path / "photos"),), None, None)


def test_plan_keeps_sub_folders_and_refuses_clashes(videos, tmp_path):
    jobs = plan_videos((str(videos),), tmp_path / "out")
    assert [(j.source.relative_to(videos), j.target.relative_to(tmp_path / "out"))
            for j in jobs] == [(Path("a.mp4"), Path("a.enhanced.mp4")),
                               (Path("bad.mp4"), Path("bad.enhanced.mp4")),
                               (Path("sub/b.mp4"), Path("sub/b.enhanced.mp4"))]
    beside = plan_videos((str(videos / "a.mp4"),), None)
    assert beside[0].target == videos / "a.enhanced.mp4"
    (tmp_path / "list.txt").write_text("# two clips named alike\nvideos/a.mp4\n\n"
                                       "videos/sub/../a.mp4\n")
    assert read_list(tmp_path / "list.txt") == [tmp_path / "videos/a.mp4",
                                                 tmp_path / "videos/sub/../a.mp4"]
    with pytest.raises(Exception, match="2 inputs would be written here"):
        plan_videos((str(tmp_path / "list.txt"),), tmp_path / "out")


def test_run_here_loads_the_models_once_and_reports_a_bad_video(fake_plugins, videos,
                                                                 tmp_path, monkeypatch):
    loads = []
    load = plateplug.load
    monkeypatch.setattr(plateplug, "load", lambda *a, **k: loads.append(a) or load(*a, **k))
    jobs = [(str(j.source), str(j.target)) for j in plan_videos((str(videos),), tmp_path / "o")]
    seen = []
    results = run_here(jobs, BatchOptions("fake", detector="bright"), seen.append)
    assert len(loads) == 1 and seen == results
    assert [r.frames for r in results] == [12, 0, 12]
    assert "cannot read" in results[1].error and results[0].error is None
    assert (tmp_path / "o" / "sub" / "b.enhanced.mp4").is_file()
    assert not (tmp_path / "o" / "bad.enhanced.mp4").exists()
    assert results[0].peak_memory_mb > 0 and results[0].worker > 0


def test_a_worker_never_raises_for_a_video(fake_plugins, tmp_path):
    worker = VideoWorker(BatchOptions("fake", detector="bright"))
    result = worker.enhance(0, str(tmp_path / "missing.mp4"), str(tmp_path / "o.mp4"))
    assert result.error.endswith("does not exist") and result.frames == 0
