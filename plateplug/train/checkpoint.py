"""Checkpoints: plain dicts of tensors and primitives, always loaded with weights_only=True."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from plateplug.imageio import atomic_path
from plateplug.train import ema


def rng_state(rng: np.random.Generator) -> str:
    """A numpy Generator's state as a JSON string (its big ints do not fit a tensor)."""
    return json.dumps(rng.bit_generator.state)


def restore_rng(rng: np.random.Generator, state: str) -> None:
    """Put a state saved by ``rng_state`` back into ``rng``."""
    rng.bit_generator.state = json.loads(state)


def save(path: str | Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` atomically (``atomic_path``), so a kill never leaves half a file."""
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def load(path: str | Path) -> dict[str, Any]:
    """Read a checkpoint written by ``save`` (tensors and primitives only)."""
    return torch.load(path, map_location="cpu", weights_only=True)


def model_state(payload: dict[str, Any]) -> dict[str, torch.Tensor]:
    """The generator weights to export or start from: the moving average's when the run kept
    one (``--ema``), else the trained ones (strips a DDP ``module.`` prefix if present)."""
    return trained_state({"model": payload.get(ema.AVERAGE, payload["model"])})


def trained_state(payload: dict[str, Any]) -> dict[str, torch.Tensor]:
    """The trained generator weights of a checkpoint (what ``--resume`` continues)."""
    state = payload["model"]
    return {k.removeprefix("module."): v for k, v in state.items()}
