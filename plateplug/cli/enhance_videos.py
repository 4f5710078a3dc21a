"""``plateplug enhance`` for many videos: a folder of videos, a list file or several video
files, one after another or on Ray workers (``--workers N``, ``--ray-address``)."""

from __future__ import annotations

import time
from pathlib import Path

import click

import plateplug
from plateplug.cli.enhance_video import _auto, _warnings_as_messages
from plateplug.jobs import IMAGE_SUFFIXES, Job, check_targets
from plateplug.video.batch import BatchOptions, VideoResult, run_here, run_on_ray
from plateplug.video.pipeline import load_detector
from plateplug.video.sources import VIDEO_SUFFIXES
from plateplug.video.working import HeightChoice

LIST_SUFFIXES = (".txt", ".lst")


def list_videos(folder: Path) -> list[Path]:
    """The video files below ``folder`` (by suffix), sorted."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES
                  and p.is_file())


def read_list(path: Path) -> list[Path]:
    """The videos a list file names, one per line (relative to the list file's folder;
    blank lines and lines starting with # are skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read the list {path}: {exc}") from None
    return [path.parent / line.strip() for line in lines
            if line.strip() and not line.lstrip().startswith("#")]


def is_video_batch(inputs: tuple[str, ...], workers: int | None,
                   ray_address: str | None) -> bool:
    """True when ``inputs`` are many videos: a list file, a folder holding videos (and no
    images), several video files, or any input with --workers / --ray-address."""
    if workers is not None or ray_address is not None:
        return True
    paths = [Path(i) for i in inputs]
    if any(p.suffix.lower() in LIST_SUFFIXES and p.is_file() for p in paths):
        return True
    if any(p.is_dir() and list_videos(p) and not _has_images(p) for p in paths):
        return True
    return len(paths) > 1 and all(p.suffix.lower() in VIDEO_SUFFIXES for p in paths)


def _has_images(folder: Path) -> bool:
    return any(p.suffix.lower() in IMAGE_SUFFIXES for p in folder.rglob("*"))


def plan_videos(inputs: tuple[str, ...], output: Path | None) -> list[Job]:
    """Each input video and its output: ``<stem>.enhanced.mp4`` beside it, or in ``output``
    (a folder's videos keep their sub-folders there). Refused before any work: a missing
    input, an output replacing an input, two videos sharing an output."""
    jobs = []
    for text in inputs:
        path = Path(text)
        if not path.exists():
            raise click.ClickException(f"{path}: no such file or folder")
        if path.is_dir():
            videos = list_videos(path)
            if not videos:
                raise click.ClickException(f"{path}: folder holds no videos")
            pairs = [(v, v.relative_to(path).parent) for v in videos]
        elif path.suffix.lower() in LIST_SUFFIXES:
            pairs = [(v, Path()) for v in read_list(path)]
        else:
            pairs = [(path, Path())]
        for video, sub in pairs:
            name = f"{video.stem}.enhanced.mp4"
            jobs.append(Job(video, output / sub / name if output else video.with_name(name)))
    check_targets(jobs)
    return jobs


def enhance_videos_command(inputs: tuple[str, ...], output: Path | None, model: str,
                           device: str, threads: int | None, workers: int | None,
                           ray_address: str | None, *, layout: str, crops_dir: Path | None,
                           boxes_file: Path | None, detector_name: str | None,
                           detect_every: int | str, reuse: bool, max_input_height: HeightChoice,
                           inset_height: int | str, stats_file: Path | None) -> None:
    """Enhance many videos; each one's outcome is a line, a failed one does not stop the
    others, and the command fails at the end when any did."""
    for name, value in (("--crops", crops_dir), ("--boxes", boxes_file),
                        ("--stats", stats_file)):
        if value is not None:
            raise click.UsageError(f"{name} works with one video at a time")
    if output is not None and output.suffix:
        raise click.UsageError(f"-o {output}: give a folder for many videos")
    jobs = plan_videos(inputs, output)
    options = BatchOptions(model, device, threads or 1, detector_name, layout,
                           _auto(detect_every), reuse, max_input_height, _auto(inset_height))
    pairs = [(str(j.source), str(j.target)) for j in jobs]
    done: list[VideoResult] = []

    def on_result(result: VideoResult) -> None:
        done.append(result)
        _report(result, len(done), len(jobs))

    def on_progress(index: int, frames: int, total: int | None) -> None:
        click.echo(f"  {jobs[index].source}: {frames}/{total or '?'} frames", err=True)

    with _warnings_as_messages():
        start = time.perf_counter()
        if workers is None and ray_address is None:
            click.echo(f"{len(jobs)} videos, one after another", err=True)
            results = run_here(pairs, options, on_result, on_progress)
        else:
            plateplug.load(model, device=device)  # a bad name fails here, not in each worker
            load_detector(detector_name, device)
            where = f"the Ray cluster at {ray_address}" if ray_address else "a local Ray runtime"
            count = workers or 1
            click.echo(f"{len(jobs)} videos on {count} worker{'s' if count > 1 else ''}, "
                       f"{where} (starting)", err=True)
            results = run_on_ray(pairs, options, workers or 1, ray_address, on_result,
                                 on_progress)
        _summary(results, time.perf_counter() - start)


def _report(result: VideoResult, number: int, total: int) -> None:
    for warning in result.warnings:
        click.echo(f"Warning: {result.source}: {warning}", err=True)
    if result.error is not None:
        click.echo(f"[{number}/{total}] {result.source}: Error: {result.error}", err=True)
        return
    fps = result.frames / max(result.seconds, 1e-9)
    click.echo(f"[{number}/{total}] {result.source} -> {result.target}: {result.frames} "
               f"frames, {result.plates} plates, {result.seconds:.1f} s ({fps:.1f} fps)",
               err=True)


def _summary(results: list[VideoResult], seconds: float) -> None:
    failed = [r for r in results if r.error is not None]
    frames = sum(r.frames for r in results)
    peaks: dict[int, float] = {}
    for r in results:
        if r.worker:
            peaks[r.worker] = max(peaks.get(r.worker, 0.0), r.peak_memory_mb)
    memory = ", ".join(f"{mb:.0f} MB" for mb in peaks.values())
    click.echo(f"{len(results) - len(failed)} of {len(results)} videos enhanced, {frames} "
               f"frames in {seconds:.1f} s ({frames / max(seconds, 1e-9):.1f} fps overall); "
               f"peak memory per worker: {memory or '-'}", err=True)
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(results)} videos failed")
