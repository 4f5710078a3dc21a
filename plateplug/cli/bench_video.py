"""``plateplug bench-video``: the video command as users run it, against its I/O ceiling
(the measuring lives in ``plateplug.bench.video``)."""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

import click

import plateplug
from plateplug.bench.video import (
    Timed,
    bench_clip,
    median_run,
    read_labels,
    synthetic_clip,
    write_boxes,
)
from plateplug.readers import DEFAULT_READER, load_reader
from plateplug.video.sources import VideoSource
from plateplug.video.stats import STAGES


@click.command("bench-video")
@click.argument("sources", nargs=-1)
@click.option("-m", "--model", "models", multiple=True,
              help="Enhancer to time (repeatable; default: every trained one).")
@click.option("--variant", "variants", multiple=True,
              help='Also time the command with these options, e.g. "--detect-every 1 '
                   '--no-reuse --max-input-height full" (repeatable).')
@click.option("--boxes", "boxes_file", type=click.Path(exists=True, path_type=Path),
              help="Plate boxes (JSONL) given to every command instead of the detector "
                   "(one SOURCE).")
@click.option("--labels", "labels_file", type=click.Path(exists=True, path_type=Path),
              help="Boxes JSONL whose lines also carry the plates' \"texts\" (one SOURCE, "
                   "e.g. examples/street.boxes.jsonl): adds the OCR rate of each command's "
                   "output crops.")
@click.option("--reader", default=DEFAULT_READER, show_default=True,
              help="OCR reader for --labels.")
@click.option("--rounds", type=click.IntRange(1), default=3, show_default=True,
              help="Run everything this many times, taking turns; report the median.")
def bench_video(sources: tuple[str, ...], models: tuple[str, ...],
                variants: tuple[str, ...], boxes_file: Path | None,
                labels_file: Path | None, reader: str, rounds: int) -> None:
    """Time `plateplug enhance -m MODEL SOURCE -o OUT` as users run it (a new process,
    start-up included and also reported apart) beside decoding + encoding SOURCE alone,
    with the seconds per stage (decode, detect, enhance, draw, encode) of its median run.
    SOURCES default to a synthetic 1280x720 clip with given boxes."""
    names = models or tuple(m.name for m in plateplug.list_models()
                            if m.unavailable_reason() is None)
    if not names:
        raise click.ClickException("no trained enhancer to time; name one with -m")
    if (boxes_file or labels_file) and len(sources) > 1:
        raise click.UsageError("--boxes and --labels need a single SOURCE")
    labels = read_labels(labels_file) if labels_file else None
    read = load_reader(reader) if labels is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        if not sources:
            sources = (str(Path(tmp) / "synthetic.mp4"),)
            boxes_file = boxes_file or write_boxes(Path(tmp) / "synthetic.boxes.jsonl",
                                                   synthetic_clip(Path(sources[0])))
        common = ("--boxes", str(boxes_file)) if boxes_file else ()
        for source in sources:
            with VideoSource(source) as src:
                click.echo(f"{src.name}: {src.size[0]}x{src.size[1]}, {src.fps:g} fps, "
                           f"{src.frame_count or '?'} frames", err=True)
            commands = [Timed(name, tuple(shlex.split(extra)), common)
                        for name in names for extra in ("", *variants)]
            ceiling = bench_clip(source, commands, rounds, labels, read,
                                 lambda n: click.echo(f"round {n}/{rounds} ...", err=True))
            _print(source, ceiling, commands, reader)


def _print(source: str, ceiling: float, commands: list[Timed], reader: str) -> None:
    width = max(len(c.label) for c in commands) + 2
    click.echo(f"\n{source}")
    click.echo(f"{'COMMAND'.ljust(width)}{'FPS':>7}{'OF I/O':>8}{'START-UP S':>12}"
               f"{'RUN FPS':>9}{'OF I/O':>8}")
    io_fps = 1 / ceiling
    click.echo(f"{'decode + encode only'.ljust(width)}{io_fps:7.1f}{1:8.2f}{'-':>12}"
               f"{io_fps:9.1f}{1:8.2f}")
    for c in commands:
        run = median_run(c.runs)
        click.echo(f"{c.label.ljust(width)}{c.wall_fps:7.1f}{c.wall_fps / io_fps:8.2f}"
                   f"{run.startup_seconds:12.2f}{c.run_fps:9.1f}{c.run_fps / io_fps:8.2f}")
    click.echo("\nms per frame by stage, median run (decode and encode run in threads of "
               "their own, beside the other stages)")
    click.echo(f"{'COMMAND'.ljust(width)}" + "".join(f"{s.upper():>8}" for s in STAGES)
               + f"{'ENHANCED':>10}{'REUSED':>8}")
    for c in commands:
        stats = median_run(c.runs).stats
        per_frame = [1000 * stats["stage_seconds"][s] / stats["frames"] for s in STAGES]
        click.echo(c.label.ljust(width) + "".join(f"{v:8.1f}" for v in per_frame)
                   + f"{stats['crops_enhanced']:10d}{stats['crops_reused']:8d}")
    for c in commands:
        click.echo(f"{c.label}: {median_run(c.runs).stats['settings']}")
    if any(c.ocr is not None for c in commands):
        click.echo(f"\nOCR rate of the output crops of labelled plates ({reader})")
        for c in commands:
            if c.ocr is not None:
                click.echo(f"{c.label.ljust(width)}{c.ocr.rate:7.3f}  "
                           f"({c.ocr.read}/{c.ocr.labelled})")
