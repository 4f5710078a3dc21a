"""What a recipe provides (``Recipe``: how to build, train and describe one model), the
pixel-loss objective, and the training data the exports describe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Protocol

import torch
from torch import nn
from torch.nn import functional as F

from plateplug.errors import PlateplugError
from plateplug.train.data import PairSampler, validation_pairs
from plateplug.train.init_weights import load_initial_weights


class Objective(Protocol):
    """Losses of one training step; ``discriminator_loss`` only matters for GAN recipes."""

    def generator_loss(
        self, sr: torch.Tensor, hr: torch.Tensor, disc: nn.Module | None
    ) -> tuple[torch.Tensor, dict[str, float]]: ...

    def discriminator_loss(
        self, sr: torch.Tensor, hr: torch.Tensor, disc: nn.Module
    ) -> torch.Tensor: ...


class PixelL1(nn.Module):
    """Pixel content loss: mean absolute error between SR and HR."""

    def generator_loss(
        self, sr: torch.Tensor, hr: torch.Tensor, disc: nn.Module | None
    ) -> tuple[torch.Tensor, dict[str, float]]:
        loss = F.l1_loss(sr, hr)
        return loss, {"l1": float(loss.detach())}

    def discriminator_loss(
        self, sr: torch.Tensor, hr: torch.Tensor, disc: nn.Module
    ) -> torch.Tensor:
        raise NotImplementedError("pixel recipes have no discriminator")


@dataclass(frozen=True)
class Recipe:
    """How to build, train and describe one built-in model."""

    name: str
    build: Callable[..., nn.Module]
    arch: dict[str, Any]
    architecture: str
    version: str  # stamped on its exports; the shipped file's version until the next is shipped
    lr: float = 2e-4
    batch: int = 16
    steps: int = 20000
    patch_width: int = 40
    degradation: str = "balanced"  # a key of plateplug.train.degrade.PROFILES
    pad_multiple: int = 1
    make_objective: Callable[[dict[str, Any], torch.device], Objective] = (
        lambda options, device: PixelL1()
    )
    build_discriminator: Callable[[], nn.Module] | None = None
    disc_lr: float = 1e-4
    needs_init: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    frames: int = 1  # LR frames the generator takes (stacked on channels), 1: single-frame
    sampler: Callable[..., Any] = PairSampler  # crops, rng, width, degradation, scenes_share
    validation: Callable[..., list[tuple[Any, Any]]] = validation_pairs  # (crops, count)
    validation_setting: str = "clean20"  # what ``validation`` measures, for the export
    load_init: Callable[[nn.Module, Any], None] = load_initial_weights  # --init
    input_heights: tuple[int, int] | None = None  # working LR heights (min, max) for video

    def model(self) -> nn.Module:
        """A fresh generator with the recipe's architecture arguments."""
        return self.build(**self.arch)

    def for_run(self, state: dict[str, Any] | None = None, width: int | None = None,
                grid: int | None = None) -> Recipe:
        """This recipe building the architecture of checkpoint ``state`` (else its own) with
        ``width`` as num_feat and, for a multi-frame recipe, ``grid`` as the scale of its
        shift-and-add channels (its sampler and validation making them too);
        PlateplugError when there is no width or grid to set or the checkpoint has another
        one."""
        arch = dict(state.get("arch", self.arch) if state else self.arch)
        if width is not None and width != arch.get("num_feat"):
            if "num_feat" not in arch:
                raise PlateplugError(f"{self.name} has no width to set")
            if state:
                raise PlateplugError(f"the resumed run is {arch['num_feat']} wide, not {width}: "
                                     "leave out --width")
            arch["num_feat"] = width
        if grid is not None and grid != arch.get("grid", 0):
            if self.frames < 2:
                raise PlateplugError(f"{self.name} takes one frame: --grid is for multi-frame "
                                     "models")
            if state:
                raise PlateplugError(f"the resumed run has grid {arch.get('grid', 0)}, not "
                                     f"{grid}: leave out --grid")
            arch["grid"] = grid
        if not arch.get("grid"):
            return replace(self, arch=arch)
        return replace(self, arch=arch, sampler=partial(self.sampler, grid=arch["grid"]),
                       validation=partial(self.validation, grid=arch["grid"]))


TRAINING_DATA = (
    "plates br/ and eu/ train split (openalpr/train-detector, AGPL-3.0; validation = all eu2/ "
    "+ 10% of br/ by CRC32, never trained on) + dashcam train boxes "
    "(RobertLucian/license-plate-dataset, MIT) + scenes train boxes when given (Open Images, "
    "CC BY 4.0; Kaggle andrewmvd car plates) + rendered plates of made-up styles; LR/HR pairs "
    "made on the fly, clean and degraded"
)
