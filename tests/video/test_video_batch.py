"""Many videos: a worker loads the models once and never raises for a bad video."""

from plateplug.video import batch
from plateplug.video.batch import BatchOptions, VideoWorker, run_here
from plateplug.video.plan import plan_videos


def test_run_here_loads_the_models_once_and_reports_a_bad_video(fake_plugins, videos,
                                                                 tmp_path, monkeypatch):
    loads = []
    load = batch.load_enhancer
    monkeypatch.setattr(batch, "load_enhancer", lambda *a, **k: loads.append(a) or load(*a, **k))
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
