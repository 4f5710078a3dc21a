"""`plateplug enhance FOLDER|LIST|VIDEOS... [--workers N]`: many videos, one Error line each
for the bad ones, the others done; on Ray with a local runtime (2 workers, 3 clips, one
corrupt)."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from videokit import count_frames, write_clip

from plateplug.cli import main
from plateplug.errors import MissingExtraError, PlateplugError
from plateplug.video import batch


def run(*args):
    return CliRunner().invoke(main, ["enhance", *map(str, args)])


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    """Three 12-frame clips, the second corrupt (the first 2 kB of a clip)."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in ("a", "b", "c"):
        write_clip(folder / f"{name}.mp4")
    (folder / "b.mp4").write_bytes((folder / "b.mp4").read_bytes()[:2000])
    return folder


def test_a_folder_one_after_another(fake_plugins, clips, tmp_path):
    result = run("-m", "fake", "--detector", "bright", clips, "-o", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "3 videos, one after another" in result.stderr
    assert re.search(r"\[\d/3\] .*b\.mp4: Error: cannot read", result.stderr)
    assert "2 of 3 videos enhanced, 24 frames" in result.stderr
    assert "Error: 1 of 3 videos failed" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.enhanced.mp4", "c.enhanced.mp4"]
    assert count_frames(tmp_path / "out" / "c.enhanced.mp4")[0] == 12


def test_one_video_options_are_refused(fake_plugins, clips, tmp_path):
    result = run("-m", "fake", clips, "--crops", tmp_path / "crops")
    assert result.exit_code == 2 and "--crops works with one video at a time" in result.output
    result = run("-m", "fake", clips, "-o", tmp_path / "out.mp4")
    assert result.exit_code == 2 and "give a folder for many videos" in result.output


def test_without_ray_installed_one_line_says_how(fake_plugins, clips, monkeypatch):
    def missing(module, extra):
        raise MissingExtraError(f"{module} is not installed: install plateplug[{extra}] "
                                f"(pip install 'plateplug[{extra}]')")

    monkeypatch.setattr(batch, "require", missing)
    result = run("-m", "fake", "--detector", "bright", clips, "--workers", "2")
    assert result.exit_code == 1
    assert "Error: ray is not installed: install plateplug[ray]" in result.stderr


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray runtime (2 CPUs) for this module's Ray tests."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_on_ray_two_workers_three_clips_one_corrupt(local_ray, clips, tmp_path):
    result = run("-m", "unet", clips, "-o", tmp_path / "out", "--workers", "2",
                 "--max-input-height", "full")
    assert result.exit_code == 1, result.output
    assert "3 videos on 2 workers, a local Ray runtime" in result.stderr
    assert re.search(r"b\.mp4: Error: cannot read", result.stderr)
    assert "2 of 3 videos enhanced, 24 frames" in result.stderr
    assert "Ray and its workers ready (models loaded) in" in result.stderr
    assert "fps once the workers were ready" in result.stderr
    memory = re.search(r"peak memory per worker: ([\d MB,]+)$", result.stderr, re.M).group(1)
    assert 1 <= len(memory.split(",")) <= 2  # every video done by one of the 2 workers
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.enhanced.mp4", "c.enhanced.mp4"]  # no temporary or partial file left
    assert count_frames(tmp_path / "out" / "a.enhanced.mp4")[0] == 12


@pytest.mark.slow
def test_on_ray_models_load_once_per_worker(local_ray, clips, tmp_path):
    jobs = [(str(clips / f"{n}.mp4"), str(tmp_path / f"{n}.out.mp4")) for n in "aac"]
    ready = []
    results = batch.run_on_ray(jobs, batch.BatchOptions("unet"), 2, None, lambda r: None,
                               on_ready=ready.append)
    assert [r.frames for r in results] == [12, 12, 12] and ready[0] > 0
    assert len({r.worker for r in results}) <= 2  # three videos, two loads at most


def test_on_ray_workers_that_cannot_load_their_model_are_one_error(local_ray, clips, tmp_path):
    with pytest.raises(PlateplugError, match="the Ray workers could not start"):
        batch.run_on_ray([(str(clips / "a.mp4"), str(tmp_path / "a.out.mp4"))],
                         batch.BatchOptions("no-such-model"), 1, None, lambda r: None)
