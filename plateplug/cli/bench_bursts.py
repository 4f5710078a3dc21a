"""The burst mode of ``plateplug bench`` (``--frames K``): single-frame methods, their vote
over K frames, multi-frame methods and their vote over K windows, on protocol bursts."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import click

from plateplug.bench.burst_report import table, write_burst_report
from plateplug.bench.bursts import DEFAULT_HEIGHT, DEFAULT_MODELS, BurstConfig, run_bursts
from plateplug.bench.environment import environment
from plateplug.errors import PlateplugError


def bench_bursts(data: Path, frames: int, models: Sequence[str] | None,
                 lr_heights: Sequence[int], tracks: Sequence[str], split: str | None,
                 ocr: str | None, limit: int | None, device: str, output: Path,
                 unused: dict[str, bool]) -> None:
    """Run the burst benchmark and write bursts.md / bursts.json into ``output``; options
    of the single-frame bench that bursts do not use (``unused``, by option name) are
    refused."""
    given = [name for name, used in unused.items() if used]
    if given:
        raise PlateplugError(f"{', '.join(given)} cannot be used with --frames")
    if any(t != "realistic" for t in tracks):
        raise PlateplugError("bursts use the realistic track only (docs/benchmark.md, Bursts)")
    config = BurstConfig(data=data, models=models or DEFAULT_MODELS, frames=frames,
                         lr_heights=lr_heights or (DEFAULT_HEIGHT,), split=split, ocr=ocr,
                         limit=limit, device=device)
    start = time.monotonic()

    def progress(message: str) -> None:
        click.echo(f"[{time.monotonic() - start:6.0f}s] {message}", err=True)

    result = run_bursts(config, progress)
    for name, reason in result.skipped:
        click.echo(f"Skipped {name}: {reason}", err=True)
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    click.echo(table(result), err=True)
    for path in write_burst_report(result, environment(), output):
        click.echo(path)
