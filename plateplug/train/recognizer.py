"""Train the PlateCRNN recogniser (CTC) on labelled train crops; load it as a frozen feature
network for the SRGAN perceptual loss."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from plateplug.data.crops import Crop, load_sources, synthetic_crops
from plateplug.data.fonts import FontSet
from plateplug.errors import PlateplugError
from plateplug.train import checkpoint
from plateplug.train.archs.recognizer_arch import (
    ALPHABET,
    BLANK,
    PlateCRNN,
    ctc_targets,
    greedy_decode,
    is_plate_text,
)
from plateplug.train.data import to_tensor
from plateplug.train.degrade import degrade, photometric
from plateplug.train.loop import learning_rate
from plateplug.train.memory import keep_freed_memory

HEIGHTS = (24, 32, 40)


@dataclass
class RecognizerConfig:
    """Options of ``plateplug train-recognizer``."""

    data: list[str]
    out: str = "runs/recognizer"
    steps: int = 1500
    minutes: float | None = None
    batch: int = 32
    lr: float = 1e-3
    threads: int | None = None
    seed: int = 0
    synthetic: int = 0
    fonts: FontSet = "hershey"  # the rendered plates' character fonts (data.fonts)


def _labelled(crops: list[Crop]) -> list[Crop]:
    return [c for c in crops if is_plate_text(c.text)]


def _render(crop: Crop, height: int, rng: np.random.Generator | None) -> np.ndarray:
    """The crop at ``height`` x 4*height; with ``rng``: jitter, light and degradation."""
    image = crop.image
    if rng is not None:
        h, w = image.shape[:2]
        dx, dy = int(0.04 * w), int(0.06 * h)
        x0, x1 = rng.integers(0, dx + 1), w - rng.integers(0, dx + 1)
        y0, y1 = rng.integers(0, dy + 1), h - rng.integers(0, dy + 1)
        image = photometric(image[y0:y1, x0:x1], rng)
    size = (4 * height, height)
    if rng is not None and rng.random() < 0.2:
        big = cv2.resize(image, (16 * height, 4 * height), interpolation=cv2.INTER_AREA)
        return cv2.resize(degrade(big, rng), size, interpolation=cv2.INTER_LINEAR)
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


@torch.no_grad()
def accuracy(model: PlateCRNN, crops: list[Crop], height: int = 32) -> float:
    """Share of crops whose whole text the model reads exactly."""
    if not crops:
        return float("nan")
    model.eval()
    hits = 0
    for i in range(0, len(crops), 64):
        chunk = crops[i : i + 64]
        texts = greedy_decode(model(to_tensor([_render(c, height, None) for c in chunk])))
        hits += sum(t == c.text for t, c in zip(texts, chunk, strict=True))
    model.train()
    return hits / len(crops)


def train_recognizer(config: RecognizerConfig) -> Path:
    """Train with CTC; write ``last.pt`` and ``log.jsonl`` into ``config.out``."""
    if config.threads:
        torch.set_num_threads(config.threads)
    keep_freed_memory()
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    train_crops = _labelled(load_sources(config.data, "train"))
    val_crops = _labelled(load_sources(config.data, "val"))
    if not train_crops:
        raise PlateplugError("no labelled training crops (labels.csv text column) found")
    train_crops += _labelled(synthetic_crops(config.synthetic, config.seed, fonts=config.fonts))
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    model = PlateCRNN()
    optim = torch.optim.Adam(model.parameters(), lr=config.lr)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    started = time.monotonic()
    with (out / "log.jsonl").open("a", encoding="utf-8") as log:
        for step in range(1, config.steps + 1):
            elapsed = time.monotonic() - started
            progress = step / config.steps
            if config.minutes:
                progress = max(progress, elapsed / (config.minutes * 60))
            for group in optim.param_groups:
                group["lr"] = learning_rate(config.lr, step, progress)
            height = int(rng.choice(HEIGHTS))
            chosen = [train_crops[int(i)] for i in rng.integers(0, len(train_crops), config.batch)]
            images = to_tensor([_render(c, height, rng) for c in chosen])
            logits = model(images).log_softmax(-1)
            targets, lengths = ctc_targets([c.text for c in chosen])
            steps_t = torch.full((len(chosen),), logits.shape[1], dtype=torch.long)
            loss = ctc(logits.transpose(0, 1), targets, steps_t, lengths)
            optim.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optim.step()
            elapsed = time.monotonic() - started
            done = step == config.steps or (
                config.minutes is not None and elapsed > config.minutes * 60
            )
            if step % 100 == 0 or done:
                row = {"step": step, "loss": float(loss.detach()), "elapsed_s": round(elapsed, 1)}
                if step % 500 == 0 or done:
                    row["val_accuracy"] = accuracy(model, val_crops)
                log.write(json.dumps(row) + "\n")
                log.flush()
                print(f"[recognizer] {json.dumps(row)}", file=sys.stderr, flush=True)
            if done:
                break
    payload = {
        "model_name": "recognizer", "model": model.state_dict(), "step": step,
        "alphabet": ALPHABET, "config": json.dumps(asdict(config)),
        "val_accuracy": accuracy(model, val_crops), "train_crops": len(train_crops),
    }
    checkpoint.save(out / "last.pt", payload)
    return out / "last.pt"


def load_feature_network(path: str | Path, device: torch.device | str = "cpu") -> PlateCRNN:
    """The trained recogniser, frozen and in eval mode, for perceptual losses."""
    state = checkpoint.load(path)
    if state.get("model_name") != "recognizer":
        raise PlateplugError(f"{path} is not a recogniser checkpoint")
    model = PlateCRNN()
    model.load_state_dict(state["model"])
    model.eval().to(device)
    for p in model.parameters():
        p.requires_grad_(False)
    return model


class TextFeatureLoss(nn.Module):
    """L1 distance between recogniser features of SR and HR (both halved in size first, to
    the text scale the recogniser was trained at), stages weighted equally after dividing by
    the HR features' mean magnitude (so every stage counts about the same)."""

    weight: float = 0.05  # in srgan's loss: its gradient on SR is ~5x the 0.5 * L1 term's

    def __init__(self, network: PlateCRNN, stages: tuple[int, ...] = (1, 2, 3)):
        super().__init__()
        self.network = network
        self.stages = stages

    def forward(self, sr: torch.Tensor, hr: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            hr_feats = self.network.features(F.avg_pool2d(hr, 2))
        sr_feats = self.network.features(F.avg_pool2d(sr, 2))
        loss = sr.new_zeros(())
        for k in self.stages:
            scale = hr_feats[k].abs().mean().clamp_min(1e-3)
            loss = loss + F.l1_loss(sr_feats[k], hr_feats[k]) / scale
        return loss / len(self.stages)
