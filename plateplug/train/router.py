"""``plateplug train-router``: train the gate of a routed enhancer (``plateplug.routing``) and
write the router file beside copies of the two enhancers it joins.

The gate learns, on train-split crops only, to tell the protocol's sharp shrink (INTER_AREA)
from camera-like LR (the degraded half of the ``balanced`` mix: blur, motion blur, another
resampling kernel, noise, JPEG): each batch has one LR height drawn from 12-32 px and windows
twice as wide, half of them sharp (with a fixed ``view``: whole crops, resized to it as
``plateplug.routing.gate_view`` does at run time). Validation, on the val split: the share
of the protocol's clean and realistic LR crops at 16 and 20 px that the gate judges sharp
(stored in the router's metadata as ``val_sharp_<track><height>``).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.nn import functional as F

from plateplug import runtime
from plateplug.data.crops import Crop, load_sources
from plateplug.data.protocol import SCALE, make_pair
from plateplug.errors import PlateplugError
from plateplug.imageio import atomic_path
from plateplug.routing import RouterMetadata, gate_view
from plateplug.train.archs.layers import count_parameters
from plateplug.train.archs.router_arch import SharpnessGate
from plateplug.train.data import to_tensor
from plateplug.train.degrade import camera, shrink
from plateplug.train.export import export_model

HEIGHTS = (12, 32)  # LR heights trained on
MIN_SOURCE_HEIGHT = 48  # source crops lower than this are left out (too little detail)
VALIDATION = (("clean", 16), ("clean", 20), ("realistic", 16), ("realistic", 20))
TRAINING_DATA = ("train-split crops of --data (plates br/ train split, openalpr/train-detector, "
                 "AGPL-3.0; dashcam train boxes, MIT): the protocol's sharp shrink against the "
                 "balanced mix's camera-like degradations")


@dataclass
class RouterConfig:
    """What ``plateplug train-router`` trains on, for how long, and where it writes."""

    data: Sequence[str]
    sharp: Path
    general: Path
    out: Path
    steps: int | None = None
    minutes: float | None = None
    batch: int = 64
    lr: float = 2e-3
    threshold: float = 0.5
    threads: int | None = None
    seed: int = 0
    version: str | None = None
    view: tuple[int, int] | None = None


def sample(image: np.ndarray, height: int, sharp: bool, rng: np.random.Generator,
           view: tuple[int, int] | None = None) -> np.ndarray:
    """The sharp shrink of ``image`` at LR ``height`` (the image resized to ``SCALE`` times
    that height, at least twice as wide), or its camera-like degradation: a random window
    ``height`` x ``2 * height`` of it, or with ``view`` the whole LR crop seen as the gate
    sees it (``gate_view``)."""
    width = max(2 * height, round(image.shape[1] * height / image.shape[0]))
    hr = cv2.resize(image, (SCALE * width, SCALE * height), interpolation=cv2.INTER_AREA)
    lr = shrink(hr) if sharp else camera(hr, rng, "balanced")
    if view is not None:
        return gate_view(lr, view)
    left = int(rng.integers(0, width - 2 * height + 1))
    return lr[:, left:left + 2 * height]


def sharp_shares(gate: SharpnessGate, crops: Sequence[Crop], threshold: float,
                 view: tuple[int, int] | None = None) -> dict[str, float]:
    """Share of the protocol's LR crops of ``crops`` judged sharp, per track and height."""
    shares = {}
    with torch.no_grad():
        for track, height in VALIDATION:
            judged = [gate(to_tensor([gate_view(
                make_pair(c.image, height, track, Path(c.key).name).lr, view)])).item()
                >= threshold for c in crops]
            shares[f"val_sharp_{track}{height}"] = float(np.mean(judged))
    return shares


def train_router(config: RouterConfig, log: Callable[[str], None] = print) -> Path:
    """Train the gate, write ``out/router.onnx`` and copy the two enhancers beside it."""
    sharp, general = Path(config.sharp), Path(config.general)
    if sharp.name == general.name:
        raise PlateplugError(f"the sharp and general enhancers share the file name {sharp.name}")
    sharp_meta, general_meta = (runtime.read_metadata(p) for p in (sharp, general))
    if sharp_meta.scale != general_meta.scale:
        raise PlateplugError(f"{sharp} and {general} enlarge by different scales "
                             f"({sharp_meta.scale}, {general_meta.scale})")
    if config.steps is None and config.minutes is None:
        raise PlateplugError("give --steps or --minutes")
    train = [c for c in load_sources(config.data, "train")
             if c.image.shape[0] >= MIN_SOURCE_HEIGHT]
    if not train:
        raise PlateplugError(f"no train-split crops {MIN_SOURCE_HEIGHT} px or taller in "
                             f"{', '.join(map(str, config.data))}")
    val = load_sources(config.data, "val")
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    gate = SharpnessGate()
    optimiser = torch.optim.Adam(gate.parameters(), config.lr)
    start, step = time.monotonic(), 0
    while not _done(step, start, config):
        height = int(rng.integers(HEIGHTS[0], HEIGHTS[1] + 1))
        labels = rng.random(config.batch) < 0.5
        crops = [sample(train[int(rng.integers(len(train)))].image, height, bool(s), rng,
                        config.view) for s in labels]
        loss = F.binary_cross_entropy_with_logits(
            gate.logits(to_tensor(crops)).squeeze(1), torch.from_numpy(labels).float())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        step += 1
        if step % 200 == 0:
            log(f"step {step}: loss {loss.item():.4f}")
    gate.eval()
    extra = {"train_steps": str(step)}
    if val:
        shares = sharp_shares(gate, val, config.threshold, config.view)
        log("judged sharp on val crops: " + ", ".join(f"{k} {v:.3f}" for k, v in shares.items()))
        extra |= {k: f"{v:.3f}" for k, v in shares.items()}
    meta = RouterMetadata(
        name=general_meta.name, sharp=sharp.name, general=general.name,
        threshold=config.threshold, view=config.view,
        architecture="SharpnessGate: high-pass, 3 convs 3x3, global average, logistic",
        parameters=count_parameters(gate),
        version=config.version or general_meta.version, training_data=TRAINING_DATA,
        extra=extra)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    for source in (sharp, general):
        if source.resolve() != (out / source.name).resolve():
            with atomic_path(out / source.name) as tmp:
                shutil.copyfile(source, tmp)
    return export_model(gate, out / "router.onnx", meta, output_name="sharp",
                        output_axes={0: "batch"})


def _done(step: int, start: float, config: RouterConfig) -> bool:
    if config.steps is not None and step >= config.steps:
        return True
    return config.minutes is not None and time.monotonic() - start >= config.minutes * 60
