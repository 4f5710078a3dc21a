"""``plateplug plates``: one JSON line per tracked plate of a video, camera or stream, with
the text voted over the track's reads, written live as each track ends."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import click

from plateplug.cli.enhance_video import (
    VIDEO_THREADS,
    _progress,
    _warnings_as_messages,
    default_output,
)
from plateplug.pipeline import DEFAULT_ENHANCER, Pipeline
from plateplug.readers import DEFAULT_READER
from plateplug.reading.output import PlatesWriter
from plateplug.reading.policy import ReadPolicy
from plateplug.video.boxes import read_boxes
from plateplug.video.errors import OutputError
from plateplug.video.pipeline import Summary, load_detector
from plateplug.video.sources import VideoSource

NO_ENHANCER = "none"


def default_plates_output(source: str) -> Path:
    """``clip.mp4`` -> ``clip.plates.jsonl`` (cameras and streams: a timestamped name)."""
    enhanced = default_output(source)
    return enhanced.with_name(enhanced.name.replace(".enhanced.mp4", ".plates.jsonl"))


@click.command()
@click.argument("source")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="JSONL file or folder (default: standard output).")
@click.option("--crops", "crops_dir", type=click.Path(path_type=Path),
              help="Save each track's best enhanced crop here as track<T>.png.")
@click.option("-m", "--model", default=DEFAULT_ENHANCER, show_default=True,
              help=f"Enhancer (see `plateplug models`), or '{NO_ENHANCER}' to read the "
                   "crops as they are.")
@click.option("--reader", default=DEFAULT_READER, show_default=True, help="OCR reader.")
@click.option("--detector", "detector_name", help="Plate detector (default: the trained one).")
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
              help="Leave out tracks seen in fewer frames (brief false detections).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
              show_default=True)
@click.option("--threads", type=click.IntRange(1), help="CPU threads for inference.")
def plates(source: str, output: Path | None, crops_dir: Path | None, model: str, reader: str,
           detector_name: str | None, boxes_file: Path | None, detect_every: int,
           read_every: int, max_reads: int, sharper_only: bool, min_frames: int,
           device: str, threads: int | None) -> None:
    """Read the plates of a video file, camera index or stream URL: one JSON line per
    tracked plate (track id, voted text, confidence, reads, first and last frame and time,
    best crop), written as soon as the plate leaves the picture."""
    boxes = read_boxes(boxes_file) if boxes_file is not None else None
    policy = ReadPolicy(read_every, max_reads or None, sharper_only)
    with _warnings_as_messages(), VideoSource(source) as src:
        target = _target(source, src, output)
        threads = threads or VIDEO_THREADS
        detector = None if boxes is not None else load_detector(detector_name, device, threads)
        pipeline = Pipeline(detector, None if model == NO_ENHANCER else model, reader,
                            policy=policy, detect_every=detect_every, device=device,
                            threads=threads)
        with PlatesWriter(target, src.fps, crops_dir, min_frames) as writer:
            start = time.perf_counter()
            try:
                summary = _run(src, pipeline, boxes, writer)
            except KeyboardInterrupt:
                _drain(pipeline, writer)
                click.echo(f"\nInterrupted: {_kept(writer)}", err=True)
                raise click.exceptions.Exit(130) from None
            except OutputError:
                click.echo(f"\nStopped early: {_kept(writer)}", err=True)
                raise
            except Exception:
                with contextlib.suppress(Exception):
                    _drain(pipeline, writer)
                click.echo(f"\nStopped early: {_kept(writer)}", err=True)
                raise
            _drain(pipeline, writer)
        ms = 1000 * (time.perf_counter() - start) / max(summary.frames, 1)
        skipped = f", skipped {src.skipped} undecodable" if src.skipped else ""
        short = (f" ({writer.left_out} seen in fewer than {min_frames} frames left out)"
                 if writer.left_out else "")
        click.echo(f"{summary.frames} frames{skipped}, {writer.count} plates{short} read with "
                   f"{reader} after {pipeline.enhancer.name}, {ms:.0f} ms per frame"
                   f"{f' -> {target}' if target else ''}", err=True)


def _target(source: str, src: VideoSource, output: Path | None) -> Path | None:
    """Where the lines go (None: standard output), checked before any model loads."""
    if output is None:
        return None
    target = output / default_plates_output(source).name if output.is_dir() else output
    if src.kind == "file" and target.resolve() == Path(source).resolve():
        raise OutputError(f"{target}: refusing to overwrite the input")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: folder {target.parent} does not exist")
    return target


def _run(src: VideoSource, pipeline: Pipeline, boxes: dict | None,
         writer: PlatesWriter) -> Summary:
    summary = Summary()
    with _progress(src) as on_frame:
        for index, frame in src:
            found = pipeline(frame, boxes.get(index, []) if boxes is not None else None, index)
            for track in pipeline.pop_ended():
                writer.write(track)
            summary.frames += 1
            summary.plates += len(found)
            on_frame(summary)
    return summary


def _drain(pipeline: Pipeline, writer: PlatesWriter) -> None:
    """Write the tracks still in view: the video is over or stopped."""
    for track in pipeline.finish():
        writer.write(track)


def _kept(writer: PlatesWriter) -> str:
    where = writer.path or "standard output"
    return f"kept the {writer.count} plate lines written to {where}"
