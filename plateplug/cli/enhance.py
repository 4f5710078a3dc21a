"""``plateplug enhance``: enhance image files and folders of images."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import cv2
import numpy as np

import plateplug
from plateplug.cli.enhance_video import enhance_video_command, is_video_source, video_options
from plateplug.datasets import IMAGE_SUFFIXES
from plateplug.enhancer import Enhancer
from plateplug.errors import PlateplugError
from plateplug.imageio import read_image, write_image


@dataclass(frozen=True)
class Job:
    """One image to enhance and where its result goes."""

    source: Path
    target: Path


def plan_jobs(inputs: tuple[Path, ...], output: Path | None) -> list[Job]:
    """Map every input image (files, and images inside folders) to its output path.

    Without ``-o``: ``photo.jpg`` -> ``photo.enhanced.png`` beside it, folder ``dir`` ->
    ``dir.enhanced/`` with the same sub-folders. With ``-o FILE.png`` (one input file):
    that file. With ``-o DIR``: results go inside it.
    """
    single_file_target = (
        output is not None and len(inputs) == 1 and inputs[0].is_file()
        and output.suffix.lower() in IMAGE_SUFFIXES
    )
    jobs = []
    for source in inputs:
        if not source.exists():
            raise PlateplugError(f"{source}: no such file or folder")
        if source.is_dir():
            root = (output / source.name) if output else source.with_name(source.name + ".enhanced")
            images = sorted(p for p in source.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
            if not images:
                raise PlateplugError(f"{source}: folder holds no images")
            jobs += [Job(p, (root / p.relative_to(source)).with_suffix(".png")) for p in images]
        elif single_file_target:
            jobs.append(Job(source, output))
        elif output:
            jobs.append(Job(source, output / f"{source.stem}.png"))
        else:
            jobs.append(Job(source, source.with_name(f"{source.stem}.enhanced.png")))
    sources = {j.source.resolve() for j in jobs}
    for job in jobs:
        if job.target.resolve() in sources:
            raise PlateplugError(f"{job.target}: refusing to overwrite an input")
    return jobs


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
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
              show_default=True)
@click.option("--threads", type=click.IntRange(1), help="CPU threads for inference.")
@click.option("--keep-size", is_flag=True,
              help="Restore a fuzzy image at its own size: shrink by the scale, then enhance.")
@video_options
def enhance(model: str, inputs: tuple[str, ...], output: Path | None, device: str,
            threads: int | None, keep_size: bool, **video: Any) -> None:
    """Enhance plate images (files or folders of images), or the plates of a video file,
    camera index or stream URL (rtsp://, http://)."""
    if any(is_video_source(i) for i in inputs):
        enhance_video_command(inputs, output, model, device, threads, **video)
        return
    jobs = plan_jobs(tuple(map(Path, inputs)), output)
    enhancer = plateplug.load(model, device=device, threads=threads)
    failed = []
    with click.progressbar(jobs, label=f"{model}", file=sys.stderr,
                           hidden=len(jobs) < 2) as bar:
        for job in bar:
            try:
                write_image(job.target, enhance_image(enhancer, read_image(job.source), keep_size))
            except PlateplugError as exc:
                failed.append(str(exc))
    for message in failed:
        click.echo(f"Error: {message}", err=True)
    done = len(jobs) - len(failed)
    click.echo(f"{done} image(s) enhanced with {model} on {enhancer.providers[0]}"
               + (f" -> {jobs[0].target}" if len(jobs) == 1 and not failed else ""), err=True)
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(jobs)} image(s) could not be enhanced")
