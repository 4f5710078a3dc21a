"""An exponential moving average of a model's weights, kept beside training.

Each step ``average = decay * average + (1 - decay) * weights`` (buffers are copied): the
average smooths out the last steps' noise, which often makes it better than the weights of
any one step (docs/models-history.md, stop 52). A run with ``--ema`` exports, validates and
``--init``s from the average; ``--resume`` continues both.
"""

from __future__ import annotations

import copy
from typing import Any, Generic, TypeVar

import torch
from torch import nn

M = TypeVar("M", bound=nn.Module)
AVERAGE, DECAY = "ema", "ema_decay"  # the checkpoint's keys


class WeightAverage(Generic[M]):
    """The moving average of ``model``'s weights at ``decay`` (0 < decay < 1), as a model."""

    def __init__(self, model: M, decay: float):
        if not 0.0 < decay < 1.0:
            raise ValueError(f"decay={decay} is outside (0, 1)")
        self.decay = decay
        self.model: M = copy.deepcopy(model).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Move the average one step towards ``model``'s weights."""
        for average, current in zip(self.model.parameters(), model.parameters(), strict=True):
            average.lerp_(current.detach(), 1.0 - self.decay)
        for buffer, value in zip(self.model.buffers(), model.buffers(), strict=True):
            buffer.copy_(value)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.model.state_dict()

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.model.load_state_dict(state)

    def checkpoint_entries(self) -> dict[str, Any]:
        """What a checkpoint holds of the average (read back by ``run_average``)."""
        return {AVERAGE: self.state_dict(), DECAY: self.decay}


def run_average(model: M, decay: float, saved: dict[str, Any]) -> WeightAverage[M] | None:
    """A run's average of ``model``: at ``decay``, else at the resumed checkpoint ``saved``'s
    own (``{}`` for a new run), continued from its average when it holds one; None when
    neither asks for one."""
    decay = decay or float(saved.get(DECAY, 0.0))
    if not decay:
        return None
    average = WeightAverage(model, decay)
    if AVERAGE in saved:
        average.load_state_dict(saved[AVERAGE])
    return average
