"""``plateplug enhance`` for many videos: a folder of videos, a list file or several video
files, one after another or on Ray workers (``--workers N``, ``--ray-address``); the plan in
``plateplug.video.plan``, the work in ``plateplug.video.batch``."""

from __future__ import annotations

import time
from pathlib import Path

import click

import plateplug
from plateplug.cli.common import warnings_as_messages
from plateplug.cli.options import auto_or_number
from plateplug.video.batch import BatchOptions, VideoResult, run_here, run_on_ray
from plateplug.video.pipeline import load_detector
from plateplug.video.plan import plan_videos
from plateplug.video.working import HeightChoice


def enhance_videos_command(inputs: tuple[str, ...], output: Path | None, model: str,
                           device: str, threads: int | None, workers: int | None,
                           ray_address: str | None, *, layout: str, crops_dir: Path | None,
                           boxes_file: Path | None, detector_name: str | None,
                           detect_every: int | str, detect_at_cuts: bool, reuse: bool,
                           max_input_height: HeightChoice,
                           inset_height: int | str, precision: str,
                           stats_file: Path | None) -> None:
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
                           auto_or_number(detect_every), detect_at_cuts, reuse,
                           max_input_height, auto_or_number(inset_height), precision)
    pairs = [(str(j.source), str(j.target)) for j in jobs]
    done: list[VideoResult] = []

    def on_result(result: VideoResult) -> None:
        done.append(result)
        _report(result, len(done), len(jobs))

    def on_progress(index: int, frames: int, total: int | None) -> None:
        click.echo(f"  {jobs[index].source}: {frames}/{total or '?'} frames", err=True)

    ready = [0.0]

    def on_ready(seconds: float) -> None:
        ready[0] = seconds
        click.echo(f"Ray and its workers ready (models loaded) in {seconds:.1f} s", err=True)

    with warnings_as_messages():
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
                                 on_progress, on_ready)
        _summary(results, time.perf_counter() - start, ready[0])


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


def _summary(results: list[VideoResult], seconds: float, startup: float) -> None:
    failed = [r for r in results if r.error is not None]
    frames = sum(r.frames for r in results)
    peaks: dict[int, float] = {}
    for r in results:
        if r.worker:
            peaks[r.worker] = max(peaks.get(r.worker, 0.0), r.peak_memory_mb)
    memory = ", ".join(f"{mb:.0f} MB" for mb in peaks.values())
    after = (f", {frames / max(seconds - startup, 1e-9):.1f} fps once the workers were ready"
             if startup else "")
    click.echo(f"{len(results) - len(failed)} of {len(results)} videos enhanced, {frames} "
               f"frames in {seconds:.1f} s ({frames / max(seconds, 1e-9):.1f} fps overall"
               f"{after}); peak memory per worker: {memory or '-'}", err=True)
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(results)} videos failed")
