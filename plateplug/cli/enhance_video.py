"""``plateplug enhance`` for videos, cameras and streams (the image path lives in enhance.py;
the work in ``plateplug.video.run``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from plateplug.cli.common import echo_err, frame_progress, warnings_as_messages
from plateplug.cli.options import AutoOr, auto_or_number, detector_option
from plateplug.video.overlay import LAYOUTS
from plateplug.video.run import Terminated, run_video
from plateplug.video.settings import PRECISIONS
from plateplug.video.working import AUTO, FULL, HeightChoice

F = TypeVar("F", bound=Callable[..., Any])


def video_options(command: F) -> F:
    """Add the video options (--layout, --crops, --boxes, --detector, the cadence, reuse,
    working height, inset height, precision and --stats) to ``enhance``."""
    for option in reversed([
        click.option("--layout", type=click.Choice(LAYOUTS), default="inset",
                     show_default=True, help="Video: how enhanced plates are shown "
                     "(side-by-side doubles the width)."),
        click.option("--crops", "crops_dir", type=click.Path(path_type=Path),
                     help="Video: also save every enhanced crop as PNG, plus crops.jsonl."),
        click.option("--boxes", "boxes_file", type=click.Path(path_type=Path),
                     help='Video: plate boxes per frame instead of detecting, JSONL lines '
                     'like {"frame": 12, "boxes": [[x1, y1, x2, y2]]}.'),
        detector_option("Video: plate detector (default: the trained one)."),
        click.option("--detect-every", type=AutoOr(AUTO), default=AUTO, show_default=True,
                     help="Video: run the detector on every N-th frame only, the tracker "
                     "moving the boxes along in between (auto: about every 0.4 s of video)."),
        click.option("--detect-at-cuts/--no-detect-at-cuts", default=True, show_default=True,
                     help="Video: also detect on each frame that starts a new shot (a frame "
                     "that looks nothing like the one before), whatever --detect-every says."),
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
        click.option("--precision", type=click.Choice(PRECISIONS), default="auto",
                     show_default=True, help="Video: the model's int8 copy (MODEL-int8, "
                     "about twice as fast on a CPU) or its fp32 weights (auto: int8 on a "
                     "CPU when installed)."),
        click.option("--stats", "stats_file", type=click.Path(path_type=Path),
                     help="Video: write frames, plates and the seconds spent per stage "
                     "(decode, detect, enhance, draw, crops, encode) to this JSON file."),
    ]):
        command = option(command)
    return command


def enhance_video_command(inputs: tuple[str, ...], output: Path | None, model: str,
                          device: str, threads: int | None, *, layout: str,
                          crops_dir: Path | None, boxes_file: Path | None,
                          detector_name: str | None, detect_every: int | str = AUTO,
                          detect_at_cuts: bool = True,
                          reuse: bool = True, max_input_height: HeightChoice = AUTO,
                          inset_height: int | str = AUTO, precision: str = "auto",
                          stats_file: Path | None = None) -> None:
    """``plateplug enhance`` for one video file, camera index or stream URL; Ctrl-C exits
    with status 130, SIGTERM with 143, the frames done kept."""
    if len(inputs) != 1:
        raise click.UsageError("give one video file, camera or stream at a time")
    try:
        with warnings_as_messages():
            run_video(inputs[0], output, model, layout=layout, crops_dir=crops_dir,
                      boxes_file=boxes_file, detector_name=detector_name, device=device,
                      threads=threads, detect_every=auto_or_number(detect_every),
                      detect_at_cuts=detect_at_cuts, reuse=reuse,
                      max_input_height=max_input_height,
                      inset_height=auto_or_number(inset_height), precision=precision,
                      stats_file=stats_file,
                      log=echo_err, progress=lambda src: frame_progress(src, "Enhancing"))
    except Terminated:
        raise click.exceptions.Exit(143) from None
    except KeyboardInterrupt:
        raise click.exceptions.Exit(130) from None
