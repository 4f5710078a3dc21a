"""``plateplug bench-video``: how fast the video pipeline runs, against its I/O ceiling."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import click
import cv2
import numpy as np

import plateplug
from plateplug.cli.enhance_video import VIDEO_THREADS
from plateplug.errors import PlateplugError
from plateplug.video.boxes import Box, read_boxes
from plateplug.video.overlay import LAYOUTS, output_size, render
from plateplug.video.pipeline import DEFAULT_MARGIN, Detector, load_detector, plates_in_frame
from plateplug.video.sources import VideoSource
from plateplug.video.tracker import IoUTracker
from plateplug.video.writer import VideoWriter

SYNTHETIC_SIZE = (1280, 720)
SYNTHETIC_FRAMES = 30

Work = Callable[[int, np.ndarray], np.ndarray]


def synthetic_clip(path: Path, frames: int = SYNTHETIC_FRAMES,
                   size: tuple[int, int] = SYNTHETIC_SIZE) -> dict[int, list[Box]]:
    """Write a textured clip with two moving plates to ``path``; returns their boxes."""
    w, h = size
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (h // 8, w // 8, 3), dtype=np.uint8)
    background = cv2.GaussianBlur(cv2.resize(noise, size), (0, 0), 3)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 25.0, size)
    boxes: dict[int, list[Box]] = {}
    for i in range(frames):
        frame = np.roll(background, 4 * i, axis=1)
        plates = [(w // 4 + 3 * i, h // 2, 120, 30), (2 * w // 3 - 2 * i, h // 2 + 60, 90, 22)]
        boxes[i] = []
        for x, y, pw, ph in plates:
            frame[y:y + ph, x:x + pw] = 235
            cv2.putText(frame, "AB 123", (x + 6, y + ph - 7), cv2.FONT_HERSHEY_SIMPLEX,
                        ph / 36, (20, 20, 20), 2, cv2.LINE_AA)
            boxes[i].append((x, y, x + pw, y + ph))
        writer.write(frame)
    writer.release()
    return boxes


def time_pass(source: str, work: Work, layout_size: Callable[[tuple[int, int]], tuple[int, int]],
              max_frames: int | None) -> float:
    """Mean seconds per frame (read, ``work``, encode) over ``source``, written to a temp
    file: wall time of the whole pass over the frame count, so that frames with and without
    detection (``--detect-every``) are weighed as they come."""
    frames = 0
    with VideoSource(source) as src, tempfile.TemporaryDirectory() as tmp, \
            VideoWriter(Path(tmp) / "bench.mp4", src.fps, layout_size(src.size)) as writer:
        start = time.perf_counter()
        for index, frame in src:
            writer.write(work(index, frame))
            frames += 1
            if max_frames is not None and frames >= max_frames:
                break
        seconds = time.perf_counter() - start
    return seconds / max(frames, 1)


def end_to_end(enhancer: plateplug.Enhancer, detector: Detector | None,
               boxes: Mapping[int, Sequence[Box]] | None, layout: str,
               detect_every: int = 1) -> Work:
    """The full per-frame pipeline: find plates (on every ``detect_every``-th frame),
    enhance them in one batch, track, draw."""
    tracker = IoUTracker()
    count = 0

    def work(index: int, frame: np.ndarray) -> np.ndarray:
        nonlocal count
        plates = plates_in_frame(index, frame, enhancer, detector, boxes, DEFAULT_MARGIN,
                                 tracker, detect=count % detect_every == 0)
        count += 1
        return render(frame, plates, layout)

    return work


@click.command("bench-video")
@click.argument("source", required=False)
@click.option("-m", "--model", "models", multiple=True,
              help="Enhancer to time end to end (repeatable; default: every trained one).")
@click.option("--boxes", "boxes_file", type=click.Path(path_type=Path),
              help="Plate boxes per frame (JSONL) for the end-to-end runs instead of the "
                   "detector.")
@click.option("--detector", "detector_name", help="Plate detector (default: the trained one).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="inset", show_default=True)
@click.option("--frames", "max_frames", type=click.IntRange(1),
              help="Time only the first N frames.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
              show_default=True)
@click.option("--threads", type=click.IntRange(1), default=VIDEO_THREADS, show_default=True,
              help="CPU threads for inference (as in `plateplug enhance` on a video).")
@click.option("--detect-every", type=click.IntRange(1), default=(1,), multiple=True,
              show_default=True, help="Also time end to end with the detector on every N-th "
              "frame only (repeatable).")
@click.option("--rounds", type=click.IntRange(1), default=3, show_default=True,
              help="Time every stage this many times, round-robin; report the median.")
def bench_video(source: str | None, models: tuple[str, ...], boxes_file: Path | None,
                detector_name: str | None, layout: str, max_frames: int | None, device: str,
                threads: int, detect_every: tuple[int, ...], rounds: int) -> None:
    """Time the video pipeline on SOURCE (default: a synthetic 1280x720 clip): the I/O
    ceiling (decode + encode only), detection only, and end to end per model, as fps
    (frames over the wall time of a pass; median of the rounds, which take turns so that
    every stage sees the same machine) and as a fraction of the ceiling."""
    names = models or tuple(m.name for m in plateplug.list_models()
                            if m.unavailable_reason() is None)
    if not names:
        raise click.ClickException("no trained enhancer to time; name one with -m")
    with tempfile.TemporaryDirectory() as tmp:
        boxes = read_boxes(boxes_file) if boxes_file else None
        if source is None:
            source = str(Path(tmp) / "synthetic.mp4")
            synthetic = synthetic_clip(Path(source))
            boxes = boxes or synthetic
        with VideoSource(source) as src:
            click.echo(f"{src.name}: {src.size[0]}x{src.size[1]}, {src.fps:g} fps, "
                       f"{src.frame_count or '?'} frames", err=True)
        stages: list[tuple[str, Callable[[], Work], Callable]] = []

        def measure(label: str, make_work: Callable[[], Work],
                    size: Callable = lambda size: size) -> None:
            stages.append((label, make_work, size))

        def detect_only(index: int, frame: np.ndarray) -> np.ndarray:
            detector(frame)
            return frame

        measure("I/O ceiling (decode + encode)", lambda: lambda index, frame: frame)
        detector = _try_detector(detector_name, device, threads, required=boxes is None)
        if detector is not None:
            measure(f"detection only ({getattr(detector, 'name', detector_name)})",
                    lambda: detect_only)
        cadences = sorted(set(detect_every)) if boxes is None else [1]
        for name in names:
            enhancer = plateplug.load(name, device=device, threads=threads)
            for every in cadences:
                plates_from = ("boxes" if boxes is not None else "detector" if every == 1
                               else f"detector every {every} frames")
                measure(f"{name} end to end ({plates_from}, {enhancer.providers[0]})",
                        lambda enhancer=enhancer, every=every: end_to_end(
                            enhancer, None if boxes is not None else detector, boxes, layout,
                            every),
                        lambda size: output_size(layout, size))
        times: dict[str, list[float]] = {label: [] for label, _, _ in stages}
        for round_number in range(1, rounds + 1):
            click.echo(f"round {round_number}/{rounds} ...", err=True)
            for label, make_work, size in stages:
                times[label].append(time_pass(source, make_work(), size, max_frames))
    _print([(label, statistics.median(values)) for label, values in times.items()])


def _try_detector(name: str | None, device: str, threads: int | None,
                  required: bool) -> Detector | None:
    try:
        return load_detector(name, device, threads)
    except PlateplugError as exc:
        if required:
            raise
        click.echo(f"detection only: skipped ({exc})", err=True)
        return None


def _print(rows: list[tuple[str, float]]) -> None:
    ceiling = 1 / rows[0][1]
    width = max(len(label) for label, _ in rows)
    click.echo(f"{'STAGE'.ljust(width)}  {'FPS':>7}  {'MS/FRAME':>8}  {'OF CEILING':>10}")
    for label, seconds in rows:
        fps = 1 / seconds
        click.echo(f"{label.ljust(width)}  {fps:7.1f}  {seconds * 1000:8.1f}  "
                   f"{fps / ceiling:10.2f}")
