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
    read_labels,
    report,
    synthetic_clip,
    write_boxes,
)
from plateplug.cli.options import reader_option
from plateplug.readers import PROTOCOL_READER, load_reader
from plateplug.video.sources import VideoSource


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
@reader_option("OCR reader for --labels.", default=PROTOCOL_READER)
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
            click.echo(report(source, ceiling, commands, reader))

