"""``plateplug plates``: one JSON line per tracked plate of a video, camera or stream, with
the text voted over the track's reads, written live as each track ends (the work in
``plateplug.reading.run``)."""

from __future__ import annotations

from pathlib import Path

import click

from plateplug.cli.common import echo_err, frame_progress, warnings_as_messages
from plateplug.cli.options import detector_option, device_option, reader_option, threads_option
from plateplug.pipeline import DEFAULT_ENHANCER
from plateplug.reading.policy import ReadPolicy
from plateplug.reading.run import DEFAULT_REJOIN_S, NO_ENHANCER, read_plates


@click.command()
@click.argument("source")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="JSONL file or folder (default: standard output).")
@click.option("--crops", "crops_dir", type=click.Path(path_type=Path),
              help="Save each track's best enhanced crop here as track<T>.png.")
@click.option("-m", "--model", default=DEFAULT_ENHANCER, show_default=True,
              help=f"Enhancer (see `plateplug models`), or '{NO_ENHANCER}' to read the "
                   "crops as they are.")
@reader_option()
@detector_option()
@click.option("--boxes", "boxes_file", type=click.Path(path_type=Path),
              help='Plate boxes per frame instead of detecting, JSONL lines like '
                   '{"frame": 12, "boxes": [[x1, y1, x2, y2]]}.')
@click.option("--detect-every", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run the detector on every N-th frame only; the tracker moves the boxes "
                   "along in between.")
@click.option("--read-every", type=click.IntRange(min=1), default=5, show_default=True,
              help="Read a track again only after this many frames.")
@click.option("--max-reads", type=click.IntRange(min=0), default=5, show_default=True,
              help="Reads per track at most (0: no cap).")
@click.option("--sharper-only", is_flag=True,
              help="Read a track again only when its crop is larger or sharper than every "
                   "crop read before.")
@click.option("--min-frames", type=click.IntRange(min=1), default=3, show_default=True,
              help="Leave out tracks seen in fewer frames (brief false detections); a "
                   "source shorter than this (a still image) keeps every track.")
@click.option("--rejoin", type=click.FloatRange(min=0), default=DEFAULT_REJOIN_S,
              show_default=True,
              help="Seconds an ended track waits for a later track with the same voted "
                   "text, which is then joined to it (one line per plate); 0: never.")
@device_option
@threads_option()
def plates(source: str, output: Path | None, crops_dir: Path | None, model: str, reader: str,
           detector_name: str | None, boxes_file: Path | None, detect_every: int,
           read_every: int, max_reads: int, sharper_only: bool, min_frames: int,
           rejoin: float, device: str, threads: int | None) -> None:
    """Read the plates of a video file, camera index or stream URL: one JSON line per
    tracked plate (track id, voted text, confidence, reads, first and last frame and time,
    best crop), written as soon as the plate leaves the picture."""
    policy = ReadPolicy(read_every, max_reads or None, sharper_only)
    try:
        with warnings_as_messages():
            read_plates(source, output, model, reader, crops_dir=crops_dir,
                        detector_name=detector_name, boxes_file=boxes_file, policy=policy,
                        detect_every=detect_every, min_frames=min_frames, rejoin=rejoin,
                        device=device,
                        threads=threads, log=echo_err,
                        progress=lambda src: frame_progress(src, "Reading"))
    except KeyboardInterrupt:
        raise click.exceptions.Exit(130) from None
