"""The time-boxed detector training loop: checkpoints, resume, export and threshold choice
at the end. It trains on the GPU when torch sees one (samples then come from worker
processes, ``Config.workers``), else on the CPU. With ``ema`` the exported network is the
moving average of the weights (``plateplug.train.ema``), which the checkpoint also holds."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from plateplug.data.frames import Frame, read_frames
from plateplug.errors import PlateplugError
from plateplug.train import checkpoint
from plateplug.train.archs.platenet_arch import DEEP, NECK, STRIDE, PlateNet, normalise
from plateplug.train.detector.calibrate import (
    best_threshold,
    calibration_samples,
    detect_all,
    threshold_table,
    write_table,
    write_threshold,
)
from plateplug.train.detector.data import SampleSource, Scene, load_plate_images, load_scenes
from plateplug.train.detector.export import export, metadata
from plateplug.train.detector.init import freeze_norms, load_exported, network_widths
from plateplug.train.detector.loss import detection_loss
from plateplug.train.detector.unlabelled import (
    MIN_SCORE,
    NEGATIVE_SCORE,
    find_unlabelled,
    mining_detector,
    read_boxes,
    write_boxes,
)
from plateplug.train.ema import WeightAverage, run_average
from plateplug.train.memory import keep_freed_memory
from plateplug.train.workers import batches, prepare_fork

CHECKPOINT = "detector.pt"
IGNORED = "ignored.csv"
NEGATIVES = "negatives.csv"
THRESHOLDS = "thresholds.csv"
ONNX_NAME = "plate_detector.onnx"
TRAINING_DATA = ("dashcam train split (RobertLucian/license-plate-dataset, MIT) + scenes train "
                 "split (Open Images plate boxes CC BY 4.0 by Google, photos CC BY 2.0 by their "
                 "Flickr authors; Kaggle andrewmvd/car-plate-detection CC0) + synthetic scenes "
                 "of openalpr/train-detector br/eu train-split crops (AGPL-3.0)")
VERSION = "8"


@dataclass
class Config:
    """What ``plateplug train-detector`` passes in."""

    data: Path
    out: Path
    scenes: Path | None = None
    minutes: float = 25.0
    resume: bool = False
    init: Path | None = None
    ignore_from: Path | None = None
    negatives_from: Path | None = None
    batch: int = 16
    crop: int = 256
    neck: int | None = None  # channels of the top-down neck; None: init's, else NECK
    deep: int | None = None  # channels of the stride-16 stage; None: init's, else DEEP
    neck4: int | None = None  # channels of the neck's stride-4 path; None: init's, else neck
    dashcam_share: float | None = None  # of the real frames drawn; None: as their number
    lr: float = 3e-3
    ema: float = 0.0  # decay of the weights' moving average, exported; 0: none or as resumed
    warmup_steps: int = 100
    threads: int = 1
    workers: int = 0
    seed: int = 0
    save_every_s: float = 120.0
    log_every: int = 50


def learning_rate(config: Config, step: int, progress: float) -> float:
    """Linear warm-up, then cosine decay over the time budget (``progress`` 0..1)."""
    warm = min(1.0, (step + 1) / config.warmup_steps)
    return config.lr * warm * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def save(path: Path, net: PlateNet, optimiser: torch.optim.Optimizer, step: int,
         elapsed: float, frozen_norms: bool,
         average: WeightAverage[PlateNet] | None = None) -> None:
    """Write a checkpoint of tensors and primitives atomically (with the weights' moving
    average when there is one)."""
    payload = {"model": net.state_dict(), "optimiser": optimiser.state_dict(),
               "step": step, "elapsed": elapsed, "frozen_norms": frozen_norms,
               "neck": net.neck, "deep": net.deep, "neck4": net.neck4}
    if average is not None:
        payload.update(average.checkpoint_entries())
    checkpoint.save(path, payload)


def mined_boxes(frames: list[Frame], model: Path | None, min_score: float, saved: Path,
                resume: bool, what: str, log: Callable[[str], None]
                ) -> dict[Path, np.ndarray] | None:
    """Boxes the detector file ``model`` finds on ``frames`` that match no label (saved to
    ``saved``), or read from ``model`` when it is such a saved CSV, or read back from
    ``saved`` on resume; None without any."""
    if model is not None:
        boxes = (read_boxes(model, frames) if model.suffix.lower() == ".csv"
                 else find_unlabelled(mining_detector(model, min_score), frames))
        write_boxes(saved, boxes)
    elif resume and saved.is_file():
        boxes = read_boxes(saved, frames)
    else:
        return None
    log(f"{sum(map(len, boxes.values()))} {what} ({saved})")
    return boxes


def training_scenes(config: Config, log: Callable[[str], None]
                    ) -> tuple[list[Scene], np.ndarray | None]:
    """The dashcam train frames (unlabelled plates ignored) and the scenes train photos
    (hard negatives mined), in RAM, with their draw weights (None: all alike)."""
    dashcam = read_frames(config.data / "dashcam", "train")
    ignore = mined_boxes(dashcam, config.ignore_from, MIN_SCORE, config.out / IGNORED,
                         config.resume, "unlabelled plate regions ignored", log)
    scenes = read_frames(config.scenes, "train") if config.scenes else []
    negatives = mined_boxes(scenes, config.negatives_from, NEGATIVE_SCORE,
                            config.out / NEGATIVES, config.resume, "hard negatives", log)
    log(f"{len(dashcam)} dashcam and {len(scenes)} scenes train frames")
    return (load_scenes(dashcam + scenes, ignore, negatives),
            draw_weights(len(dashcam), len(scenes), config.dashcam_share))


def draw_weights(dashcam: int, scenes: int, dashcam_share: float | None) -> np.ndarray | None:
    """Per-frame draw weights that give the ``dashcam`` frames (listed first) ``dashcam_share``
    of the draws and the ``scenes`` photos the rest; None (all alike) without a share."""
    if dashcam_share is None:
        return None
    if not dashcam or not scenes:
        raise PlateplugError("--dashcam-share needs both dashcam and scenes train frames")
    return np.concatenate([np.full(dashcam, dashcam_share / dashcam),
                           np.full(scenes, (1 - dashcam_share) / scenes)])


def train(config: Config, log: Callable[[str], None] = print) -> Path:
    """Train for ``config.minutes`` of wall time (in total, across resumes); export ONNX."""
    torch.set_num_threads(config.threads)
    keep_freed_memory()
    torch.manual_seed(config.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    prepare_fork(config.workers)
    if config.resume and config.init is not None:
        raise PlateplugError("--init starts a new run: leave it out with --resume")
    # a new run's widths, checked before anything is written; a resumed run keeps its own
    widths = None if config.resume else network_widths(config.neck, config.deep, config.neck4,
                                                        config.init)
    config.out.mkdir(parents=True, exist_ok=True)
    state_path = config.out / CHECKPOINT
    if config.resume and not state_path.is_file():
        raise PlateplugError(f"--resume: no checkpoint at {state_path}")
    state = checkpoint.load(state_path) if config.resume else {}
    if widths is None:  # resumed: the checkpoint's widths
        neck, deep = int(state.get("neck", NECK)), int(state.get("deep", DEEP))
        net = PlateNet(neck, deep, int(state.get("neck4", neck)))
    else:
        net = PlateNet(*widths)
    step, elapsed, frozen_norms = 0, 0.0, config.init is not None
    if config.init is not None:
        load_exported(net, config.init)
        log(f"started from {config.init} (batch norms frozen)")
    if config.resume:
        net.load_state_dict(state["model"])
    net.to(device)  # before the optimiser, whose loaded state follows its parameters' device
    optimiser = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=1e-4)
    if config.resume:
        optimiser.load_state_dict(state["optimiser"])
        step, elapsed = int(state["step"]), float(state["elapsed"])
        frozen_norms = bool(state.get("frozen_norms", False))
        log(f"resumed at step {step} ({elapsed / 60:.1f} min trained)")
    rng = np.random.default_rng(config.seed + step)
    scenes, weights = training_scenes(config, log)
    source = SampleSource(scenes, load_plate_images(config.data / "plates"), config.crop, rng,
                          weights)
    stream = batches(source, lambda s: s.batch(config.batch, STRIDE), config.workers,
                     (config.seed, step), pin_memory=device.type == "cuda")
    budget = config.minutes * 60
    net.train()
    log(f"training on {device}, samples from {config.workers or 'the main'} "
        f"process{'es' if config.workers else ''}")
    if frozen_norms:
        freeze_norms(net)
    average = run_average(net, config.ema, state)
    start, last_save, running = time.monotonic() - elapsed, time.monotonic(), []
    while (elapsed := time.monotonic() - start) < budget:
        for group in optimiser.param_groups:
            group["lr"] = learning_rate(config, step, elapsed / budget)
        batch = {k: v.to(device, non_blocking=True) for k, v in next(stream).items()}
        output = net(normalise(batch["image"]))
        loss, parts = detection_loss(output, batch["heat"], batch["reg"], batch["mask"],
                                     batch["care"])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if average is not None:
            average.update(net)
        step += 1
        running.append([loss.item(), parts["heat"], parts["offset"], parts["size"]])
        if step % config.log_every == 0:
            mean = np.mean(running, axis=0)
            running = []
            log(f"step {step}  {elapsed / 60:5.1f} min  loss {mean[0]:.3f}  heat {mean[1]:.3f}"
                f"  offset {mean[2]:.3f}  size {mean[3]:.3f}")
        if time.monotonic() - last_save > config.save_every_s:
            save(state_path, net, optimiser, step, elapsed, frozen_norms, average)
            last_save = time.monotonic()
    save(state_path, net, optimiser, step, min(elapsed, budget), frozen_norms, average)
    final = (average.model if average is not None else net).cpu().eval()
    path = export(final, config.out / ONNX_NAME, metadata(final, VERSION, TRAINING_DATA))
    results = detect_all(path, calibration_samples(config.data, config.scenes))
    table = threshold_table(results)
    write_table(config.out / THRESHOLDS, table)
    threshold, f1 = best_threshold(table)
    write_threshold(path, threshold)
    log(f"score threshold {threshold} (best F1 {f1:.3f} on real train frames; table in "
        f"{config.out / THRESHOLDS})")
    log(f"trained {step} steps in {min(elapsed, budget) / 60:.1f} min; exported {path}")
    return path
