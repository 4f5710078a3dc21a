"""``plateplug enhance`` for videos, cameras and streams (the image path lives in enhance.py)."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import click

import plateplug
from plateplug.enhancer import Enhancer
from plateplug.imageio import write_bytes_atomic
from plateplug.video.boxes import read_boxes
from plateplug.video.crops import INDEX_NAME, CropWriter
from plateplug.video.errors import OutputError
from plateplug.video.overlay import LAYOUTS, output_size
from plateplug.video.pipeline import (
    DEFAULT_MARGIN,
    Summary,
    load_detector,
    process_video,
)
from plateplug.video.settings import choose
from plateplug.video.sources import VIDEO_SUFFIXES, VideoSource, is_camera, is_stream_url
from plateplug.video.stats import StageTimes
from plateplug.video.working import AUTO, FULL, HeightChoice, resolve_max_height
from plateplug.video.writer import VideoWriter, partial_path


def is_video_source(arg: str) -> bool:
    """True for a video file name, a camera index or device, or a stream URL."""
    return (is_camera(arg) or is_stream_url(arg)
            or Path(arg).suffix.lower() in VIDEO_SUFFIXES)


def default_output(source: str) -> Path:
    """``clip.mp4`` -> ``clip.enhanced.mp4`` beside it; cameras and streams get a timestamped
    name in the current folder."""
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}.enhanced.mp4"
    if is_camera(source):
        return Path(f"camera{''.join(c for c in source if c.isdigit())}-{stamp}")
    if is_stream_url(source):
        return Path(f"stream-{stamp}")
    path = Path(source)
    return path.with_name(f"{path.stem}.enhanced.mp4")


class AutoOr(click.ParamType):
    """An integer >= 1, or one of ``words`` (kept as the word)."""

    def __init__(self, *words: str):
        self.words = words
        self.name = "|".join((*words, "N"))

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | str:
        if isinstance(value, int) or value in self.words:
            return value
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            self.fail(f"{value!r} is neither {' nor '.join(self.words)} nor a whole number "
                      f">= 1", param, ctx)
        return number


def _auto(value: int | str) -> int | None:
    """None for "auto" (chosen for the source), else the number."""
    return None if value == AUTO else int(value)


def video_options(command: Callable) -> Callable:
    """Add the video options (--layout, --crops, --boxes, --detector, the cadence, reuse,
    working height, inset height and --stats) to ``enhance``."""
    for option in reversed([
        click.option("--layout", type=click.Choice(LAYOUTS), default="inset",
                     show_default=True, help="Video: how enhanced plates are shown "
                     "(side-by-side doubles the width)."),
        click.option("--crops", "crops_dir", type=click.Path(path_type=Path),
                     help="Video: also save every enhanced crop as PNG, plus crops.jsonl."),
        click.option("--boxes", "boxes_file", type=click.Path(path_type=Path),
                     help='Video: plate boxes per frame instead of detecting, JSONL lines '
                     'like {"frame": 12, "boxes": [[x1, y1, x2, y2]]}.'),
        click.option("--detector", "detector_name",
                     help="Video: plate detector (default: the trained one)."),
        click.option("--detect-every", type=AutoOr(AUTO), default=AUTO, show_default=True,
                     help="Video: run the detector on every N-th frame only, the tracker "
                     "moving the boxes along in between (auto: about every 0.3 s of video)."),
        click.option("--reuse/--no-reuse", default=True, show_default=True,
                     help="Video: show a plate's last enhanced crop again while it has not "
                     "changed enough (size, look, age up to 1 s) instead of enhancing anew."),
        click.option("--max-input-height", type=AutoOr(AUTO, FULL), default=AUTO,
                     show_default=True, help="Video: shrink taller plate crops to this "
                     "height before enhancing (auto: the model's declared working height; "
                     "full: never)."),
        click.option("--inset-height", type=AutoOr(AUTO), default=AUTO, show_default=True,
                     help="Video: height of the enhanced insets in pixels (auto: 15% of the "
                     "frame height)."),
        click.option("--stats", "stats_file", type=click.Path(path_type=Path),
                     help="Video: write frames, plates and the seconds spent per stage "
                     "(decode, detect, enhance, draw, crops, encode) to this JSON file."),
    ]):
        command = option(command)
    return command


VIDEO_THREADS = 1  # inference threads on a CPU: decoding and encoding run in their own threads


def enhance_video_command(inputs: tuple[str, ...], output: Path | None, model: str,
                          device: str, threads: int | None, *, layout: str,
                          crops_dir: Path | None, boxes_file: Path | None,
                          detector_name: str | None, detect_every: int | str = AUTO,
                          reuse: bool = True, max_input_height: HeightChoice = AUTO,
                          inset_height: int | str = AUTO, stats_file: Path | None = None) -> None:
    """``plateplug enhance`` for one video file, camera index or stream URL."""
    if len(inputs) != 1:
        raise click.UsageError("give one video file, camera or stream at a time")
    run_video(inputs[0], output, model, layout=layout, crops_dir=crops_dir,
              boxes_file=boxes_file, detector_name=detector_name, device=device,
              threads=threads, detect_every=_auto(detect_every), reuse=reuse,
              max_input_height=max_input_height, inset_height=_auto(inset_height),
              stats_file=stats_file)


def run_video(source: str, output: Path | None, enhancer: Enhancer | str, *,
              layout: str = "inset",
              crops_dir: Path | None = None, boxes_file: Path | None = None,
              detector_name: str | None = None, device: str = "auto",
              threads: int | None = None, margin: float = DEFAULT_MARGIN,
              detect_every: int | None = None, reuse: bool = True,
              max_input_height: HeightChoice = AUTO, inset_height: int | None = None,
              stats_file: Path | None = None) -> Path:
    """Enhance every plate of a video file, camera or stream into ``output`` (a video of
    the same size and fps; twice as wide for side-by-side). ``enhancer`` may be a model
    name, loaded once the source, boxes and output paths are known to be good. The
    detector cadence, inference threads and inset height (None: chosen for the source, see
    ``plateplug.video.settings``), crop reuse and the working height are said once on
    stderr; ``stats_file`` receives the seconds per stage. SIGTERM is handled like Ctrl-C
    (exit status 143). Returns the output path."""
    boxes = read_boxes(boxes_file) if boxes_file is not None else None
    with _warnings_as_messages(), _sigterm_as_interrupt(), VideoSource(source) as src:
        target = output_path(source, output)
        inputs = [Path(source)] if src.kind == "file" else []
        check_outputs(target, crops_dir, inputs + ([boxes_file] if boxes_file else []))
        settings = choose(src.fps, src.size[1], src.is_live, detect_every=detect_every,
                          threads=threads, reuse=reuse, max_input_height=max_input_height,
                          inset_height=inset_height)
        writer = VideoWriter(target, src.fps, output_size(layout, src.size))
        times = StageTimes()
        try:
            with writer, contextlib.ExitStack() as stack:
                detector = (None if boxes is not None
                            else load_detector(detector_name, device, settings.threads))
                if isinstance(enhancer, str):
                    enhancer = plateplug.load(enhancer, device=device, threads=settings.threads)
                crops = (stack.enter_context(CropWriter(crops_dir, src.fps))
                         if crops_dir else None)
                height = resolve_max_height(settings.max_input_height, enhancer)
                click.echo(f"{enhancer.name}: {settings.describe(height)}", err=True)
                start = time.perf_counter()
                with _progress(src) as on_frame:
                    summary = process_video(src, writer, enhancer, layout=layout,
                                            detector=detector, boxes=boxes, margin=margin,
                                            crops=crops, on_frame=on_frame, times=times,
                                            **settings.pipeline_options())
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            click.echo(f"{'Terminated' if terminated else 'Interrupted'}: {_kept(writer)}",
                       err=True)
            raise click.exceptions.Exit(143 if terminated else 130) from None
        except Exception:
            if writer.partial is not None:
                click.echo(f"Stopped early: {_kept(writer)}", err=True)
            raise
        run_seconds = time.perf_counter() - start
        skipped = f", skipped {src.skipped} undecodable" if src.skipped else ""
        saved = f", {crops.count} crops in {crops_dir}" if crops else ""
        reused = f" ({summary.reused} shown again unchanged)" if summary.reused else ""
        click.echo(f"{summary.frames} frames{skipped}, {summary.plates} plates enhanced with "
                   f"{enhancer.name}{reused} -> {target}{saved}", err=True)
        if stats_file is not None:
            times.add("decode", src.decode_seconds or 0.0)
            times.add("encode", writer.encode_seconds)
            write_stats(stats_file, summary, times, run_seconds, settings.describe(height))
    return target


def write_stats(path: Path, summary: Summary, times: StageTimes, run_seconds: float,
                settings: str) -> None:
    """The ``--stats`` JSON: counts, the seconds from the first frame to the closed output
    (``run``) and per stage, and the settings line."""
    record = {"frames": summary.frames, "plates": summary.plates,
              "crops_enhanced": summary.enhanced, "crops_reused": summary.reused,
              "run_seconds": round(run_seconds, 4), "stage_seconds": times.as_dict(),
              "settings": settings}
    write_bytes_atomic(path, (json.dumps(record, indent=1) + "\n").encode())


def output_path(source: str, output: Path | None) -> Path:
    """The output video of ``source``: ``output`` when it names a file, the default name
    (``default_output``) inside it when it is a folder or a name without a suffix (created
    if missing, as for images), the default name when it is None."""
    default = default_output(source)
    if output is None:
        return default
    if output.is_dir() or not output.suffix:
        return output / default.name
    return output


def check_outputs(target: Path, crops_dir: Path | None, inputs: list[Path]) -> None:
    """Refuse, before any work, a video or crops folder that would replace an input (the
    video, the boxes file) or each other; the writers check the rest when they open."""
    taken = {path.resolve() for path in inputs}
    for path in (target, partial_path(target)):
        if path.resolve() in taken:
            raise OutputError(f"{path}: refusing to overwrite the input")
    if crops_dir is None:
        return
    if crops_dir.resolve() in (target.resolve(), partial_path(target).resolve()):
        raise OutputError(f"--crops {crops_dir} is also the output video: give the crops "
                          f"folder another name")
    if crops_dir.exists() and not crops_dir.is_dir():
        raise OutputError(f"--crops {crops_dir} is a file, not a folder")
    if (crops_dir / INDEX_NAME).resolve() in taken:
        raise OutputError(f"{crops_dir / INDEX_NAME}: refusing to overwrite the input")


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived (``timeout``, ``docker stop``, systemd): handled like Ctrl-C."""


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Raise :class:`Terminated` in the main thread on the first SIGTERM and ignore later
    ones (so that the partial video is finished); restore the previous handler on exit.
    Outside the main thread, where no handler can be installed, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _kept(writer: VideoWriter) -> str:
    if writer.partial is None:
        return "no frames were written"
    return f"kept the {writer.frames} frames done in {writer.partial}"


@contextlib.contextmanager
def _progress(src: VideoSource) -> Iterator[Callable[[Summary], None]]:
    """A frames/fps/plates progress bar when the length is known, else a running counter."""
    start = time.perf_counter()

    def status(summary: Summary) -> str:
        fps = summary.frames / max(time.perf_counter() - start, 1e-9)
        return f"{fps:.1f} fps, {summary.plates} plates"

    if src.frame_count is not None:
        with click.progressbar(length=src.frame_count, label="Enhancing", file=sys.stderr,
                               show_pos=True, item_show_func=lambda s: s) as bar:
            yield lambda summary: bar.update(1, status(summary))
        return
    shown = [0.0]

    def counter(summary: Summary) -> None:
        now = time.perf_counter()
        if now - shown[0] >= 0.5:
            shown[0] = now
            click.echo(f"\r{summary.frames} frames, {status(summary)}", err=True, nl=False)

    yield counter
    click.echo("", err=True)


@contextlib.contextmanager
def _warnings_as_messages() -> Iterator[None]:
    """Show warnings raised while reading (skipped frames, dropped stream) as one line."""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = lambda message, *_: click.echo(f"\nWarning: {message}",
                                                               err=True)
        yield
