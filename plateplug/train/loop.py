"""The one training loop shared by every built-in model (single process or torchrun/DDP).

Time-budgeted (``minutes``, total over resumes) and/or step-budgeted, cosine learning rate,
checkpoints every few minutes and at the end (rank 0 only), a JSON-lines log and a progress
line on stderr with the loss and the validation PSNR-Y on fixed clean 20 px pairs (with
``ema``, of the weights' moving average, which the checkpoint also holds: train.ema).
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch import nn

from plateplug.data.crops import Crop, load_scenes, load_sources, synthetic_crops
from plateplug.data.fonts import FontSet
from plateplug.data.metrics import psnr_y
from plateplug.errors import PlateplugError
from plateplug.models import enhancer_model
from plateplug.train import checkpoint, distributed
from plateplug.train.bursts import LrInput, input_tensor, reference_frame
from plateplug.train.ctc_loss import PlateCtcLoss, load_ctc_loss
from plateplug.train.data import to_images
from plateplug.train.ema import run_average
from plateplug.train.memory import keep_freed_memory
from plateplug.train.recipes import load_recipe
from plateplug.train.recipes.base import Recipe
from plateplug.train.scene_texts import read_texts
from plateplug.train.teacher_targets import TeacherTargets
from plateplug.train.text_plates import TextPlateSampler
from plateplug.train.workers import batches, prepare_fork

WARMUP_STEPS = 100
MIN_LR_FACTOR = 0.02


@dataclass
class TrainConfig:
    """Everything ``plateplug train`` accepts; None means the recipe's default."""

    model: str
    data: list[str]
    out: str | None = None
    steps: int | None = None
    minutes: float | None = None
    batch: int | None = None
    lr: float | None = None
    resume: str | None = None
    init: str | None = None
    threads: int | None = None
    seed: int = 0
    val_every: int = 250
    log_every: int = 20
    checkpoint_minutes: float = 3.0
    val_count: int = 48
    degradation: str | None = None  # a key of degrade.PROFILES; None: the recipe's
    scenes: str | None = None  # scenes folder (boxes.csv): its train boxes are training crops
    scenes_texts: str | None = None  # key,text CSV of scenes crops (train.scene_texts)
    synthetic: int = 0  # rendered plates of made-up styles added to the crops
    fonts: FontSet = "hershey"  # the rendered plates' character fonts (data.fonts)
    stop_after: int | None = None  # end this run early at that step (the schedule keeps steps)
    width: int | None = None  # the generator's num_feat; None: the recipe's (or the resumed run's)
    grid: int | None = None  # multi-frame: shift-and-add grid scale (0: none; None: as resumed)
    teacher: str | None = None  # an enhancer (name or .onnx) whose outputs blend into the targets
    teacher_share: float = 0.5  # the teacher's share of each target
    workers: int = 0  # processes making the training pairs (0: this one)
    ctc_weight: float = 0.0  # CTC text loss on whole plates with text (0: none)
    ctc_two_row: float = 0.0  # share of the CTC batches of rendered two-row plates
    ctc_scenes: float = 0.0  # share of the one-row CTC plates drawn from labelled scenes crops
    scenes_share: float = 0.0  # share of the pixel-loss plates drawn from the scenes crops
    ema: float = 0.0  # decay of a moving average of the weights (train.ema); 0: none or as resumed
    options: dict[str, Any] = field(default_factory=dict)


def learning_rate(base: float, step: int, progress: float) -> float:
    """Linear warm-up over WARMUP_STEPS, then cosine decay to MIN_LR_FACTOR * base."""
    warm = min(1.0, (step + 1) / WARMUP_STEPS)
    progress = min(max(progress, 0.0), 1.0)
    cosine = MIN_LR_FACTOR + (1 - MIN_LR_FACTOR) * 0.5 * (1 + math.cos(math.pi * progress))
    return base * warm * cosine


@torch.no_grad()
def evaluate(model: nn.Module, pairs: list[tuple[LrInput, np.ndarray]], device) -> float:
    """Mean PSNR-Y of ``model`` on (lr, hr) pairs, one crop at a time."""
    was_training = model.training
    model.eval()
    scores = []
    for lr, hr in pairs:
        sr = to_images(model(input_tensor([lr]).to(device)))[0]
        scores.append(psnr_y(sr, hr))
    model.train(was_training)
    return float(np.mean(scores)) if scores else float("nan")


def bicubic_psnr(pairs: list[tuple[LrInput, np.ndarray]]) -> float:
    """Mean PSNR-Y of cv2 bicubic on the same pairs (the baseline to beat)."""
    scores = [  # a burst is judged by its reference frame
        psnr_y(cv2.resize(reference_frame(lr), (hr.shape[1], hr.shape[0]),
                          interpolation=cv2.INTER_CUBIC), hr)
        for lr, hr in pairs
    ]
    return float(np.mean(scores)) if scores else float("nan")


def text_plates(config: TrainConfig, real: list[Crop], rng: np.random.Generator,
                degradation: str, frames: int, grid: int = 0) -> TextPlateSampler:
    """The CTC loss's whole plates: the real training crops with text (A-Z0-9) and
    ``config.synthetic`` rendered one-row plates (the recogniser reads one line); with
    ``config.ctc_two_row``, as many rendered two-row plates, read row by row; with
    ``config.ctc_scenes``, that share of the one-row plates from the labelled scenes crops."""
    rendered = synthetic_crops(config.synthetic, config.seed, rows=1, fonts=config.fonts)
    if config.ctc_two_row:
        rendered += synthetic_crops(config.synthetic, config.seed, rows=2, fonts=config.fonts)
    return TextPlateSampler(real + rendered, rng, degradation, frames, config.ctc_two_row,
                            config.ctc_scenes, grid)


class _Log:
    """JSON-lines log file plus progress lines on stderr (rank 0 only)."""

    def __init__(self, path: Path | None):
        self.handle = path.open("a", encoding="utf-8") if path else None

    def write(self, row: dict[str, Any], line: str | None = None) -> None:
        if self.handle:
            self.handle.write(json.dumps(row) + "\n")
            self.handle.flush()
            if line:
                print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.handle:
            self.handle.close()


def train(config: TrainConfig) -> Path:
    """Train ``config.model``; return the path of the final checkpoint (``last.pt``)."""
    return train_model(config)[0]


def train_model(config: TrainConfig) -> tuple[Path, nn.Module]:
    """Train ``config.model``; return the final checkpoint path and the trained generator."""
    recipe = load_recipe(config.model)
    ctx = distributed.setup()
    try:
        result = _train(recipe, config, ctx)
        distributed.wait_for_all(ctx)  # no rank leaves the group while rank 0 still saves
        return result
    finally:
        distributed.teardown(ctx)


def _train(
    recipe: Recipe, config: TrainConfig, ctx: distributed.Context
) -> tuple[Path, nn.Module]:
    resumed = checkpoint.load(config.resume) if config.resume else None
    if resumed is not None and resumed.get("model_name") != recipe.name:
        raise PlateplugError(f"{config.resume} is a {resumed.get('model_name')} checkpoint")
    recipe = recipe.for_run(resumed, config.width, config.grid)
    if config.workers and config.teacher:
        raise PlateplugError("--teacher runs in the main process: leave out --workers")
    if config.threads:
        torch.set_num_threads(config.threads)
        cv2.setNumThreads(config.threads)
    prepare_fork(config.workers)
    keep_freed_memory()
    out = Path(config.out or f"runs/{recipe.name}")
    batch = config.batch or recipe.batch
    base_lr = config.lr or recipe.lr
    steps = config.steps or (10**9 if config.minutes else recipe.steps)
    budget_s = config.minutes * 60 if config.minutes else None

    torch.manual_seed(config.seed)
    rng = np.random.default_rng([config.seed, ctx.rank])
    degradation = config.degradation or recipe.degradation
    crops = load_sources(config.data, "train")
    if not crops:
        raise PlateplugError(f"no training crops in {', '.join(config.data)}")
    val_crops = load_sources(config.data, "val") or crops
    real = list(crops)  # the CTC loss's real plates: these with text, labelled scenes crops
    counts = {"real": len(crops)}
    if config.scenes:
        labels = read_texts(Path(config.scenes_texts)) if config.scenes_texts else None
        scenes = load_scenes(Path(config.scenes), labels)
        crops, counts["scenes"] = crops + scenes, len(scenes)
        if labels is not None:  # the labelled ones are the CTC loss's too
            real += [c for c in scenes if c.text]
            counts["scenes_texts"] = sum(1 for c in scenes if c.text)
            if labels and not counts["scenes_texts"]:
                raise PlateplugError(
                    f"--scenes-texts {config.scenes_texts}: none of its {len(labels)} keys is a "
                    f"crop of --scenes {config.scenes} (texts of another folder? for a packed "
                    "stash, pack them with it: tools/device/pack_enhancer_data.py --scenes-texts)")
    elif config.scenes_texts:
        raise PlateplugError("--scenes-texts labels the --scenes crops: give --scenes too")
    if config.synthetic:
        crops += synthetic_crops(config.synthetic, config.seed, fonts=config.fonts)
        counts["synthetic"] = config.synthetic
    sampler = recipe.sampler(crops, rng, recipe.patch_width, degradation, config.scenes_share)
    if config.teacher:  # TeacherTargets refuses a multi-frame model's bursts
        teacher = enhancer_model(config.teacher).load(
            "cpu" if ctx.device.type == "cpu" else "auto", config.threads)
        sampler = TeacherTargets(sampler, teacher, config.teacher_share)
    val_pairs = recipe.validation(val_crops, count=config.val_count)
    ctc: PlateCtcLoss | None = None
    if config.ctc_weight:
        ctc = load_ctc_loss(config.options.get("recognizer") or "rapidocr", ctx.device)
        text_sampler = text_plates(config, real, rng, degradation, recipe.frames,
                                   recipe.arch.get("grid", 0))

    model = recipe.model().to(ctx.device)
    disc = recipe.build_discriminator().to(ctx.device) if recipe.build_discriminator else None
    objective = recipe.make_objective(config.options, ctx.device)
    optim = torch.optim.Adam(model.parameters(), lr=base_lr, betas=(0.9, 0.99))
    d_optim = (
        torch.optim.Adam(disc.parameters(), lr=recipe.disc_lr, betas=(0.9, 0.99)) if disc else None
    )
    step, elapsed = 0, 0.0
    if resumed is not None:
        model.load_state_dict(checkpoint.trained_state(resumed))
        optim.load_state_dict(resumed["optimizer"])
        if disc is not None and d_optim is not None and "disc" in resumed:
            disc.load_state_dict(resumed["disc"])
            d_optim.load_state_dict(resumed["disc_optimizer"])
        step, elapsed = int(resumed["step"]), float(resumed["elapsed_s"])
        torch.set_rng_state(resumed["torch_rng"])
        if ctx.is_main:
            checkpoint.restore_rng(rng, resumed["np_rng"])
        else:
            rng = np.random.default_rng([config.seed, ctx.rank, step])
            sampler.rng = rng
    elif config.init:
        recipe.load_init(model, config.init)
    elif recipe.needs_init and ctx.is_main:
        print(f"warning: {recipe.name} is meant to start from --init CKPT", file=sys.stderr)

    average = run_average(model, config.ema, resumed or {}) if ctx.is_main else None
    exported = average.model if average is not None else model  # validated and exported

    model.train()
    ddp_model = distributed.wrap(model, ctx)
    ddp_disc = distributed.wrap(disc, ctx) if disc is not None else None
    if ctx.is_main:
        out.mkdir(parents=True, exist_ok=True)
    log = _Log(out / "log.jsonl" if ctx.is_main else None)
    if ctx.is_main:
        settings = {**asdict(config), "degradation": degradation}
        (out / "config.json").write_text(json.dumps(settings, indent=2) + "\n")
        bicubic = bicubic_psnr(val_pairs)
        log.write(
            {"event": "start", "step": step, "crops": len(crops), "sources": counts,
             "val_crops": len(val_pairs), "world_size": ctx.world_size,
             "bicubic_psnr_y": bicubic,
             "ema": average.decay if average is not None else 0.0},
            f"[{recipe.name}] {len(crops)} training crops "
            f"({', '.join(f'{k} {v}' for k, v in counts.items())}), {len(val_pairs)} val pairs, "
            f"bicubic val PSNR-Y {bicubic:.2f} dB, world size {ctx.world_size}",
        )

    def save(path: Path, val: float | None) -> None:
        payload = {
            "model_name": recipe.name, "arch": dict(recipe.arch), "step": step,
            "elapsed_s": elapsed, "model": model.state_dict(), "optimizer": optim.state_dict(),
            "torch_rng": torch.get_rng_state(), "np_rng": checkpoint.rng_state(rng),
            "seed": config.seed, "val_psnr_y": float("nan") if val is None else val,
        }
        if average is not None:
            payload.update(average.checkpoint_entries())
        if disc is not None and d_optim is not None:
            payload["disc"] = disc.state_dict()
            payload["disc_optimizer"] = d_optim.state_dict()
        checkpoint.save(path, payload)

    pairs = batches(sampler, lambda s: s.sample(batch), config.workers,
                    (config.seed, ctx.rank, step), pin_memory=ctx.device.type == "cuda")
    texts = (batches(text_sampler, lambda s: s.sample(batch), config.workers,
                     (config.seed, ctx.rank, step, 1)) if ctc is not None else None)
    last_ckpt = time.monotonic()
    started = time.monotonic() - elapsed
    val = None
    running: dict[str, float] = {}
    while step < min(steps, config.stop_after or steps):
        elapsed = time.monotonic() - started
        if distributed.any_rank(budget_s is not None and elapsed >= budget_s, ctx):
            break
        progress = step / steps if budget_s is None else max(step / steps, elapsed / budget_s)
        current_lr = learning_rate(base_lr, step, progress)
        for group in optim.param_groups:
            group["lr"] = current_lr
        lr_batch, hr_batch = (t.to(ctx.device, non_blocking=True) for t in next(pairs))
        sr = ddp_model(lr_batch)
        loss, parts = objective.generator_loss(sr, hr_batch, ddp_disc)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        if ctc is not None and texts is not None:  # its own forward and backward (DDP-safe)
            lr_text, plate_texts, bands = next(texts)
            text_loss = ctc(ddp_model(lr_text.to(ctx.device)), plate_texts, bands)
            (config.ctc_weight * text_loss).backward()
            loss = loss.detach() + config.ctc_weight * text_loss.detach()
            parts["ctc"] = float(text_loss.detach())
        optim.step()
        if average is not None:
            average.update(model)
        if ddp_disc is not None and d_optim is not None:
            d_loss = objective.discriminator_loss(sr.detach(), hr_batch, ddp_disc)
            d_optim.zero_grad(set_to_none=True)
            d_loss.backward()
            d_optim.step()
            parts["d_loss"] = float(d_loss.detach())
        step += 1
        for key, value in {"loss": float(loss.detach()), **parts}.items():
            running[key] = running.get(key, 0.0) + value
        elapsed = time.monotonic() - started
        if ctx.is_main and (step % config.log_every == 0 or step == steps):
            means = {k: v / config.log_every for k, v in running.items()}
            running = {}
            log.write(
                {"step": step, "elapsed_s": round(elapsed, 1), "lr": current_lr, **means},
                f"[{recipe.name}] step {step} {elapsed / 60:.1f} min loss {means['loss']:.4f}"
                + (f" val {val:.2f} dB" if val is not None else ""),
            )
        if ctx.is_main and step % config.val_every == 0:
            val = evaluate(exported, val_pairs, ctx.device)
            log.write({"event": "val", "step": step, "val_psnr_y": val})
        if ctx.is_main and time.monotonic() - last_ckpt > config.checkpoint_minutes * 60:
            save(out / "last.pt", val)
            last_ckpt = time.monotonic()
    if ctx.is_main:
        val = evaluate(exported, val_pairs, ctx.device)
        save(out / "last.pt", val)
        log.write(
            {"event": "end", "step": step, "elapsed_s": round(elapsed, 1), "val_psnr_y": val},
            f"[{recipe.name}] done: step {step}, {elapsed / 60:.1f} min, val PSNR-Y {val:.2f} dB, "
            f"checkpoint {out / 'last.pt'}",
        )
    log.close()
    return out / "last.pt", model
