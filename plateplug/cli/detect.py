"""``plateplug detect``, ``train-detector``, ``train-verifier`` and ``bench-detector``: plate
boxes in frames."""

from __future__ import annotations

import json
from pathlib import Path

import click
import cv2

from plateplug.bench.detector import evaluate_all, median_ms
from plateplug.bench.detector_models import bench_models
from plateplug.bench.detector_table import HEADER, json_row, text_rows
from plateplug.cli.common import echo_err
from plateplug.cli.options import (
    Channels,
    data_option,
    detector_option,
    device_option,
    max_pixels_option,
    threads_option,
)
from plateplug.data.benchsets import (
    DEFAULT_SCENES,
    DEFAULT_SETS,
    SET_NAMES,
    open_set,
    read_unlabelled,
    with_unlabelled,
)
from plateplug.detect import load_detector
from plateplug.detect.draw import draw_detections
from plateplug.detect.verifier import CONTEXT, CROP_SIZE
from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.imageio import read_image, write_image
from plateplug.images import to_bgr
from plateplug.jobs import plan_jobs

DATA_HELP = "Folder with dashcam/ (boxes.csv) and plates/."


@click.command("train-detector")
@data_option(DATA_HELP, from_env=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--minutes", type=click.FloatRange(min=0.05), default=25.0, show_default=True,
              help="Training wall time in total (a resumed run continues up to it).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              default=Path("runs/detector"), show_default=True,
              help="Folder for the checkpoint and the exported plate_detector.onnx.")
@click.option("--resume", is_flag=True, help="Continue from the checkpoint in --out.")
@click.option("--init", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Start from this exported detector (e.g. the shipped plate_detector.onnx): "
                   "a fine-tune, its batch norms frozen.")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=3e-3,
              show_default=True, help="Peak learning rate (warm-up, then cosine decay).")
@click.option("--crop", type=click.IntRange(64, 1024), default=256, show_default=True,
              help="Side of the square training crops (a multiple of 16); larger crops hold "
                   "whole close-up plates.")
@click.option("--neck", type=click.IntRange(8, 512),
              help="Channels of the network's top-down neck [default: the --init file's, "
                   "else 48]. With --init from a narrower file the network starts as exactly "
                   "that file's function; a resumed run keeps its checkpoint's.")
@click.option("--deep", type=click.IntRange(8, 512),
              help="Channels of the network's stride-16 stage [default: the --init file's, "
                   "else 96] (as --neck).")
@click.option("--neck4", type=click.IntRange(8, 512),
              help="Channels of the neck's stride-4 path, fewer than --neck for a faster "
                   "network [default: the --init file's, else --neck]. With --init from a "
                   "file whose path is wider, it keeps the channels the file's head weighs "
                   "most.")
@click.option("--batch", type=click.IntRange(min=1), default=16, show_default=True,
              help="Training crops per step.")
@click.option("--dashcam-share", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Share of the real frames drawn that are dashcam frames, the rest --scenes "
                   "photos [default: as their numbers].")
@threads_option("Torch CPU threads.", default=1)
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes that make the training samples (0: the main process). On a "
                   "GPU, which torch uses when it sees one, the samples are the bottleneck.")
@click.option("--ignore-unlabelled", "ignore_from",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Detector ONNX file: its detections on the dashcam train frames that match "
                   "no label (plates the labels miss) are left out of the loss. Or the "
                   "ignored.csv an earlier run saved from them.")
@click.option("--scenes", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Street/parking photos with boxes.csv (../shared/data/scenes/get.sh lays "
                   "them out): their train split is trained on too.")
@click.option("--hard-negatives", "negatives_from",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Detector ONNX file: its detections on the --scenes train photos that match "
                   "no label are trained on as background, crops centred on them now and then. "
                   "Or the negatives.csv an earlier run saved from them.")
@click.option("--ema", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Keep a moving average of the weights at this decay (e.g. 0.999) and "
                   "export it instead of the last step's weights [default: none; a resumed "
                   "run keeps its own].")
@click.option("--ship", is_flag=True,
              help="Also install the exported model as the built-in 'plateplug' detector.")
def train_detector(data: Path, minutes: float, out: Path, resume: bool, init: Path | None,
                   lr: float, crop: int, neck: int | None, deep: int | None, neck4: int | None,
                   batch: int, dashcam_share: float | None, threads: int, workers: int,
                   ignore_from: Path | None,
                   scenes: Path | None,
                   negatives_from: Path | None, ema: float | None, ship: bool) -> None:
    """Train the built-in plate detector (on the GPU when torch sees one, else on the CPU)
    and export it to ONNX."""
    for sub in ("dashcam", "plates"):
        if not (data / sub).is_dir():
            raise click.ClickException(f"{data / sub} not found (pass --data)")
    require("torch", "train")
    from plateplug.train.detector.loop import Config, train
    from plateplug.train.detector.ship import ship_model

    if negatives_from is not None and scenes is None:
        raise click.ClickException("--hard-negatives needs --scenes")
    if dashcam_share is not None and scenes is None:
        raise click.ClickException("--dashcam-share needs --scenes")
    if crop % 16:
        raise click.ClickException(f"--crop {crop} is not a multiple of 16")
    config = Config(data=data, out=out, scenes=scenes, minutes=minutes, resume=resume,
                    init=init, lr=lr, crop=crop, neck=neck, deep=deep, neck4=neck4, batch=batch,
                    dashcam_share=dashcam_share, threads=threads, workers=workers,
                    ignore_from=ignore_from, negatives_from=negatives_from, ema=ema or 0.0)
    path = train(config, log=click.echo)
    if ship:
        click.echo(f"installed {ship_model(path)}")


@click.command("train-verifier")
@data_option(DATA_HELP, from_env=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--detector", "detector_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Detector ONNX file (e.g. runs/detector/plate_detector.onnx): the verifier "
                   "is written beside it and the file's metadata pointed at it.")
@click.option("--scenes", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Street/parking photos with boxes.csv: their train split is used too.")
@click.option("--ignored", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Plates the dashcam labels miss (ignored.csv of the detector's training "
                   "run; default: the one beside --detector, if any): never trained on as "
                   "background.")
@click.option("--steps", type=click.IntRange(min=1), default=1500, show_default=True,
              help="Training steps of each of the three fits (two halves, then all).")
@click.option("--input-height", type=click.IntRange(8, 128), default=CROP_SIZE[1],
              show_default=True, help="Height of the verifier's crops (3 times as wide).")
@click.option("--context", type=click.FloatRange(1.0, 8.0), default=CONTEXT, show_default=True,
              help="The crop spans the box times this, at 3:1.")
@click.option("--widths", type=Channels(),
              help="Channels of the verifier's conv blocks, comma-separated (max-pooled by 2 "
                   "between them).  [default: 16,32,48,64]")
@threads_option("Torch CPU threads.", default=1)
@click.option("--ship", is_flag=True,
              help="Also install the detector and its verifier as the built-in 'plateplug'.")
def train_verifier(data: Path, detector_path: Path, scenes: Path | None,
                   ignored: Path | None, steps: int, input_height: int, context: float,
                   widths: tuple[int, ...] | None, threads: int, ship: bool) -> None:
    """Train the verifier of a detector (a second look at each box it proposes) on the real
    train frames, and choose both thresholds there."""
    if not (data / "dashcam").is_dir():
        raise click.ClickException(f"{data / 'dashcam'} not found (pass --data)")
    require("torch", "train")
    from plateplug.train.detector import verifier
    from plateplug.train.detector.loop import IGNORED
    from plateplug.train.detector.ship import ship_model

    beside = detector_path.with_name(IGNORED)
    if ignored is None and beside.is_file():
        ignored = beside
    config = verifier.Config(data=data, detector=detector_path, scenes=scenes, ignored=ignored,
                             size=(3 * input_height, input_height), context=context,
                             widths=widths or verifier.WIDTHS, steps=steps, threads=threads)
    verifier.train_verifier(config, log=click.echo)
    if ship:
        click.echo(f"installed {ship_model(detector_path)}")


@click.command()
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@detector_option("Registered detector, or NAME:PATH such as yolo:plates.onnx (default: "
                 "'plateplug', else 'haar').")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON line per plate: file, box [x1, y1, x2, y2], score.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write each image with its boxes drawn into this folder.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Drop detections scoring lower.")
@device_option
@max_pixels_option
def detect(sources: tuple[Path, ...], detector_name: str | None, as_json: bool, output: Path | None,
           min_score: float, device: str, max_pixels: int) -> None:
    """Find licence plates in images (files or folders).

    With ``-o DIR`` each image is written with its boxes drawn as ``DIR/<stem>.boxes<ext>``
    (folders as ``DIR/<folder>/...``); an output never replaces an input. A file that cannot
    be read or written is reported and skipped; the exit code is then non-zero.
    """
    jobs = plan_jobs(sources, output, "boxes")
    detector = load_detector(detector_name, device=device)
    failed = 0
    for job in jobs:
        try:
            frame = to_bgr(read_image(job.source, max_pixels=max_pixels), str(job.source))[0]
            found = [d for d in detector(frame) if d.score >= min_score]
            if output is not None:
                write_image(job.target, draw_detections(frame, found))
        except PlateplugError as exc:
            click.echo(f"Error: {exc}", err=True)
            failed += 1
            continue
        if as_json:
            for d in found:
                click.echo(json.dumps({"file": str(job.source), "box": list(d.box),
                                       "score": round(d.score, 4)}))
        else:
            boxes = "  ".join(f"{d.box} {d.score:.2f}" for d in found) or "no plates"
            click.echo(f"{job.source}: {boxes}")
    if failed:
        raise click.ClickException(f"{failed} of {len(jobs)} image(s) could not be processed")


@click.command("bench-detector")
@data_option(f"{DATA_HELP} Without it the dashcam and synthetic sets are skipped.",
             required=False, from_env=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--scenes", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_SCENES, show_default=True,
              help="Scenes folder (images/, boxes.csv) laid out by ../shared/data/scenes/get.sh.")
@click.option("--set", "set_names", multiple=True, type=click.Choice(SET_NAMES),
              help="Evaluation set (repeatable; default: scenes and dashcam).")
@detector_option("Detector to measure, or NAME:PATH such as yolo:plates.onnx (repeatable; "
                 "default: every registered one that can load).", multiple=True)
@click.option("--anchor", "anchors", multiple=True, metavar="NAME=PATH",
              help="A single-class YOLOv8/v11 ONNX (ultralytics export) measured beside the "
                   "detectors on the same images (repeatable).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Drop detections scoring lower before matching.")
@click.option("--iou", type=click.FloatRange(0, 1), default=0.5, show_default=True)
@click.option("--unlabelled", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV (image,x1,y1,x2,y2) of plates the labels miss: a box on one is "
                   "counted apart, and precision is also given with those boxes left out.")
@threads_option("CPU threads of the ONNX detectors and of OpenCV's resizing (default: "
                "their own choice).")
@click.option("--repeats", type=click.IntRange(min=1), default=30, show_default=True,
              help="Timed runs on one 1280x720 frame.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per detector and set.")
def bench_detector(data: Path | None, scenes: Path, set_names: tuple[str, ...],
                   detector_names: tuple[str, ...], anchors: tuple[str, ...], min_score: float,
                   iou: float, unlabelled: Path | None, threads: int | None, repeats: int,
                   as_json: bool) -> None:
    """Recall and precision at IoU 0.5 (overall, per image source and by plate height),
    boxes per image, and median ms per 1280x720 frame, on the scenes valid photos and the
    dashcam valid frames (``--set synthetic``: held-out plates pasted on those frames)."""
    models = bench_models(detector_names, anchors, echo_err)
    missed = read_unlabelled(unlabelled) if unlabelled is not None else {}
    sets = {}
    for set_name in set_names or DEFAULT_SETS:
        try:
            sets[set_name] = open_set(set_name, data, scenes)
        except PlateplugError as exc:
            click.echo(f"set {set_name}: skipped ({exc})", err=True)
    if not sets:
        raise click.ClickException("no evaluation set found (pass --data or --scenes)")
    if threads:
        cv2.setNumThreads(threads)  # the letterbox resize counts in the ms per frame too
    detectors = {label: model.load(device="cpu", threads=threads)
                 for label, model in models.items()}
    first = next(iter(sets))
    timing = next(open_set(first, data, scenes), None)
    if timing is None:
        raise click.ClickException(f"set {first} holds no images")
    frame = cv2.resize(timing.frame, (1280, 720))
    ms = {label: median_ms(detector, frame, repeats) for label, detector in detectors.items()}
    for set_name, samples in sets.items():
        results = evaluate_all(detectors, with_unlabelled(samples, missed), iou, min_score)
        if as_json:
            for label, counts in results.items():
                click.echo(json.dumps(json_row(label, set_name, counts, ms[label])))
            continue
        any_counts = next(iter(results.values()))
        click.echo(f"{set_name}: {any_counts.frames} images, {any_counts.truths} plates, "
                   f"IoU {iou}; R = recall by plate height")
        click.echo(HEADER)
        for label, counts in results.items():
            for row in text_rows(label, counts, ms[label], unlabelled is not None):
                click.echo(row)

