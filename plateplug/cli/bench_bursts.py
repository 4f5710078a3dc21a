"""The burst mode of ``plateplug bench`` (``--frames K``): single-frame methods, their vote
over K frames, multi-frame methods and their vote over K windows, on protocol bursts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from plateplug.bench.burst_report import table, write_burst_report
from plateplug.bench.bursts import DEFAULT_HEIGHT, DEFAULT_MODELS, BurstConfig, run_bursts
from plateplug.bench.environment import environment
from plateplug.cli.common import echo_skipped_and_notes, timed_progress
from plateplug.errors import PlateplugError


def bench_bursts(data: Path, frames: int, models: Sequence[str] | None,
                 lr_heights: Sequence[int], tracks: Sequence[str], split: str | None,
                 ocr: str | None, limit: int | None, device: str, output: Path,
                 read_cache: Path | None, unused: dict[str, bool]) -> None:
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
                         limit=limit, device=device, read_cache=read_cache)
    result = run_bursts(config, timed_progress())
    echo_skipped_and_notes(result.skipped, result.notes)
    click.echo(table(result), err=True)
    for path in write_burst_report(result, environment(), output):
        click.echo(path)
