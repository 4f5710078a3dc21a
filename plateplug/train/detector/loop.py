"""The time-boxed detector training loop: checkpoints, resume, export and threshold choice
at the end."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from plateplug.detect.dashcam import read_frames
from plateplug.errors import PlateplugError
from plateplug.train import checkpoint
from plateplug.train.detector.arch import STRIDE, PlateNet, normalise
from plateplug.train.detector.calibrate import (
    best_threshold,
    calibration_scenes,
    detect_all,
    write_threshold,
)
from plateplug.train.detector.data import SampleSource, load_plate_images, load_scenes
from plateplug.train.detector.export import export, metadata
from plateplug.train.detector.loss import detection_loss
from plateplug.train.detector.unlabelled import (
    find_unlabelled,
    mining_detector,
    read_boxes,
    write_boxes,
)

CHECKPOINT = "detector.pt"
IGNORED = "ignored.csv"
ONNX_NAME = "plate_detector.onnx"
TRAINING_DATA = ("dashcam train split (RobertLucian/license-plate-dataset, MIT) + synthetic "
                 "scenes of openalpr/train-detector br/eu train-split crops (AGPL-3.0)")
VERSION = "1"


@dataclass
class Config:
    """What ``plateplug train-detector`` passes in."""

    data: Path
    out: Path
    minutes: float = 25.0
    resume: bool = False
    ignore_from: Path | None = None
    batch: int = 16
    crop: int = 256
    lr: float = 3e-3
    warmup_steps: int = 100
    threads: int = 1
    seed: int = 0
    save_every_s: float = 120.0
    log_every: int = 50


def learning_rate(config: Config, step: int, progress: float) -> float:
    """Linear warm-up, then cosine decay over the time budget (``progress`` 0..1)."""
    warm = min(1.0, (step + 1) / config.warmup_steps)
    return config.lr * warm * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def save(path: Path, net: PlateNet, optimiser: torch.optim.Optimizer, step: int,
         elapsed: float) -> None:
    """Write a checkpoint of tensors and primitives atomically."""
    checkpoint.save(path, {"model": net.state_dict(), "optimiser": optimiser.state_dict(),
                           "step": step, "elapsed": elapsed})


def unlabelled_plates(config: Config, log: Callable[[str], None]
                      ) -> dict[Path, np.ndarray] | None:
    """Ignored regions of the train frames: mined with ``config.ignore_from`` (and saved to
    IGNORED in the run folder), or read back from there on resume; None without either."""
    frames = read_frames(config.data / "dashcam", "train")
    saved = config.out / IGNORED
    if config.ignore_from is not None:
        ignore = find_unlabelled(mining_detector(config.ignore_from), frames)
        write_boxes(saved, ignore)
    elif config.resume and saved.is_file():
        ignore = read_boxes(saved, frames)
    else:
        return None
    log(f"{sum(map(len, ignore.values()))} unlabelled plate regions ignored ({saved})")
    return ignore


def train(config: Config, log: Callable[[str], None] = print) -> Path:
    """Train for ``config.minutes`` of wall time (in total, across resumes); export ONNX."""
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    config.out.mkdir(parents=True, exist_ok=True)
    state_path = config.out / CHECKPOINT
    net = PlateNet()
    optimiser = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=1e-4)
    step, elapsed = 0, 0.0
    if config.resume:
        if not state_path.is_file():
            raise PlateplugError(f"--resume: no checkpoint at {state_path}")
        state = checkpoint.load(state_path)
        net.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        step, elapsed = int(state["step"]), float(state["elapsed"])
        log(f"resumed at step {step} ({elapsed / 60:.1f} min trained)")
    rng = np.random.default_rng(config.seed + step)
    ignore = unlabelled_plates(config, log)
    source = SampleSource(load_scenes(config.data / "dashcam", "train", ignore),
                          load_plate_images(config.data / "plates"), config.crop, rng)
    budget = config.minutes * 60
    net.train()
    start, last_save, running = time.monotonic() - elapsed, time.monotonic(), []
    while (elapsed := time.monotonic() - start) < budget:
        for group in optimiser.param_groups:
            group["lr"] = learning_rate(config, step, elapsed / budget)
        batch = source.batch(config.batch, STRIDE)
        output = net(normalise(batch["image"]))
        loss, parts = detection_loss(output, batch["heat"], batch["reg"], batch["mask"],
                                     batch["care"])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        step += 1
        running.append([loss.item(), parts["heat"], parts["offset"], parts["size"]])
        if step % config.log_every == 0:
            mean = np.mean(running, axis=0)
            running = []
            log(f"step {step}  {elapsed / 60:5.1f} min  loss {mean[0]:.3f}  heat {mean[1]:.3f}"
                f"  offset {mean[2]:.3f}  size {mean[3]:.3f}")
        if time.monotonic() - last_save > config.save_every_s:
            save(state_path, net, optimiser, step, elapsed)
            last_save = time.monotonic()
    save(state_path, net, optimiser, step, min(elapsed, budget))
    net.eval()
    path = export(net, config.out / ONNX_NAME, metadata(net, VERSION, TRAINING_DATA))
    threshold, f1 = best_threshold(detect_all(path, calibration_scenes(config.data)))
    write_threshold(path, threshold)
    log(f"score threshold {threshold} (best F1 {f1:.3f} on the synthetic train scenes)")
    log(f"trained {step} steps in {min(elapsed, budget) / 60:.1f} min; exported {path}")
    return path
