"""``plateplug enhance``: enhance image files and folders of images."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import cv2
import numpy as np

import plateplug
from plateplug.cli.enhance_video import enhance_video_command, video_options
from plateplug.cli.enhance_videos import enhance_videos_command
from plateplug.cli.options import device_option, max_pixels_option, threads_option
from plateplug.enhancer import Enhancer
from plateplug.errors import PlateplugError
from plateplug.imageio import read_image, write_image
from plateplug.jobs import plan_jobs
from plateplug.video.plan import is_video_batch
from plateplug.video.sources import is_video_source


def enhance_image(enhancer: Enhancer, image: np.ndarray, keep_size: bool) -> np.ndarray:
    """Enhance ``image``; ``keep_size`` shrinks it by the scale first (same size out)."""
    if keep_size:
        h, w = image.shape[:2]
        s = enhancer.scale
        small = cv2.resize(image, (max(1, round(w / s)), max(1, round(h / s))),
                           interpolation=cv2.INTER_AREA)
        out = enhancer(small.reshape(*small.shape[:2], *image.shape[2:]))
        return cv2.resize(out, (w, h), interpolation=cv2.INTER_AREA).reshape(image.shape)
    return enhancer(image)


@click.command()
@click.option("-m", "--model", default="resnet", show_default=True, help="Enhancer name "
              "(see `plateplug models`).")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (one input) or folder.")
@device_option
@threads_option()
@click.option("--keep-size", is_flag=True,
              help="Restore a fuzzy image at its own size: shrink by the scale, then enhance.")
@max_pixels_option
@video_options
@click.option("--workers", type=click.IntRange(min=1),
              help="Videos: process a folder or list of videos on this many Ray workers "
                   "(plateplug[ray]; default: one after another in this process).")
@click.option("--ray-address", help="Videos: run the workers on an existing Ray cluster "
              "('auto', or ray://host:10001) instead of a local Ray runtime.")
def enhance(model: str, inputs: tuple[str, ...], output: Path | None, device: str,
            threads: int | None, keep_size: bool, max_pixels: int, workers: int | None,
            ray_address: str | None, **video: Any) -> None:
    """Enhance plate images (files or folders of images), or the plates of a video file,
    camera index or stream URL (rtsp://, http://), or of many videos (a folder of videos,
    a .txt list of them, or several video files)."""
    if is_video_batch(inputs, workers, ray_address):
        enhance_videos_command(inputs, output, model, device, threads, workers, ray_address,
                               **video)
        return
    if any(is_video_source(i) for i in inputs):
        enhance_video_command(inputs, output, model, device, threads, **video)
        return
    jobs = plan_jobs(tuple(map(Path, inputs)), output, "enhanced", ".png")
    enhancer = plateplug.load(model, device=device, threads=threads)
    failed = []
    with click.progressbar(jobs, label=f"{model}", file=sys.stderr,
                           hidden=len(jobs) < 2) as bar:
        for job in bar:
            try:
                image = read_image(job.source, max_pixels=max_pixels)
                write_image(job.target, enhance_image(enhancer, image, keep_size))
            except PlateplugError as exc:
                failed.append(str(exc))
    for message in failed:
        click.echo(f"Error: {message}", err=True)
    done = len(jobs) - len(failed)
    click.echo(f"{done} image(s) enhanced with {model} on {enhancer.providers[0]}"
               + (f" -> {jobs[0].target}" if len(jobs) == 1 and not failed else ""), err=True)
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(jobs)} image(s) could not be enhanced")
