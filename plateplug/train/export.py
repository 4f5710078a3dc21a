"""Export a trained generator to ONNX (input ``lr``, output ``hr``, dynamic N/H/W) with the
plateplug metadata the runtime reads (``plateplug.metadata.ModelMetadata``)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import onnx
import torch
from torch import nn

from plateplug.data.protocol import SCALE
from plateplug.errors import PlateplugError
from plateplug.imageio import atomic_path
from plateplug.metadata import Metadata, ModelMetadata
from plateplug.shift_add import GRID_KEY
from plateplug.train import checkpoint
from plateplug.train.archs.layers import count_parameters
from plateplug.train.archs.mfsr_arch import input_channels
from plateplug.train.recipes import load_recipe
from plateplug.train.recipes.base import TRAINING_DATA, Recipe


def describe(recipe: Recipe) -> str:
    """The recipe's architecture in words, with any width set by ``--width`` and any grid
    set by ``--grid``."""
    words = recipe.architecture
    default = load_recipe(recipe.name).arch
    width = recipe.arch.get("num_feat")
    if width != default.get("num_feat"):
        words += f"; {width} feature channels instead of {default.get('num_feat')}"
    grid = recipe.arch.get("grid", 0)
    if grid != default.get("grid", 0):
        words += (f"; shift-and-add grid x{grid} instead of x{default.get('grid', 0)}"
                  if grid else "; without the shift-and-add grid")
    return words


def metadata_for(recipe: Recipe, model: nn.Module, extra: dict[str, str]) -> ModelMetadata:
    """Metadata of a recipe's model: RGB in 0..1 (mean 0, std 1), x4, with the recipe's
    working input heights."""
    return ModelMetadata(
        name=recipe.name,
        scale=SCALE,
        channel_order="RGB",
        mean=(0.0, 0.0, 0.0),
        std=(1.0, 1.0, 1.0),
        pad_multiple=recipe.pad_multiple,
        architecture=describe(recipe),
        parameters=count_parameters(model),
        version=recipe.version,
        training_data=recipe.notes.get("training_data", TRAINING_DATA),
        min_input_height=recipe.input_heights[0] if recipe.input_heights else None,
        max_input_height=recipe.input_heights[1] if recipe.input_heights else None,
        extra=extra,
    )


HR_AXES = {0: "batch", 2: "out_height", 3: "out_width"}


def export_model(
    model: nn.Module, output: str | Path, meta: Metadata, opset: int = 17, channels: int = 3,
    output_name: str = "hr", output_axes: dict[int, str] | None = None,
) -> Path:
    """Trace ``model`` (eval mode; its input ``lr``: ``channels`` channels, RGB frames stacked
    and, for a shift-and-add network, its grid's) to ``output`` with N, H and W dynamic and
    attach ``meta``; check the graph. The output, ``output_name``, has ``output_axes``
    dynamic (an enhancer's ``hr``: N, H and W)."""
    if opset not in (17, 18):
        raise PlateplugError(f"opset {opset} is not supported; use 17 or 18")
    output = Path(output)
    model = model.eval().cpu()
    dummy = torch.rand(1, channels, 20, 60)
    with atomic_path(output) as tmp:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model, (dummy,), str(tmp), input_names=["lr"], output_names=[output_name],
                dynamic_axes={"lr": {0: "batch", 2: "height", 3: "width"},
                              output_name: output_axes or HR_AXES},
                opset_version=opset, dynamo=False, do_constant_folding=True,
            )
        proto = onnx.load(str(tmp))
        del proto.metadata_props[:]
        for key, value in meta.to_props().items():
            entry = proto.metadata_props.add()
            entry.key, entry.value = key, value
        proto.producer_name = "plateplug"
        proto.doc_string = f"plateplug {meta.name}: {meta.architecture}"
        onnx.checker.check_model(proto)
        onnx.save(proto, str(tmp))
    return output


def load_generator(name: str, ckpt: str | Path) -> tuple[Recipe, nn.Module, dict]:
    """The recipe and the eval-mode generator of a ``name`` checkpoint."""
    recipe = load_recipe(name)
    try:
        state = checkpoint.load(ckpt)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a user error here
        raise PlateplugError(f"cannot read checkpoint {ckpt}: {exc}") from exc
    if state.get("model_name") != name:
        raise PlateplugError(f"{ckpt} is a {state.get('model_name')!r} checkpoint, not {name!r}")
    recipe = recipe.for_run(state)
    model = recipe.model()
    model.load_state_dict(checkpoint.model_state(state))
    return recipe, model.eval(), state


def export_checkpoint(name: str, ckpt: str | Path, output: str | Path, opset: int = 17) -> Path:
    """``plateplug export``: checkpoint of built-in ``name`` -> ONNX file with metadata."""
    recipe, model, state = load_generator(name, ckpt)
    extra = {"train_steps": str(int(state.get("step", 0)))}
    if recipe.frames > 1:
        extra["frames"] = str(recipe.frames)
    grid = int(recipe.arch.get("grid", 0))
    if grid:
        extra[GRID_KEY] = str(grid)
    val = float(state.get("val_psnr_y", float("nan")))
    if not math.isnan(val):
        extra[f"train_val_psnr_y_{recipe.validation_setting}"] = f"{val:.2f}"
    return export_model(model, output, metadata_for(recipe, model, extra), opset=opset,
                        channels=input_channels(recipe.frames, grid))
