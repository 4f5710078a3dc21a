"""Starting weights for ``--init``: a training checkpoint or a plateplug ONNX export.

An exported model keeps the generator's parameter names as ONNX initialisers, so a shipped
``.onnx`` file can seed a fine-tune when its training checkpoint is gone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from plateplug.errors import PlateplugError
from plateplug.train import checkpoint


def onnx_state(path: str | Path) -> dict[str, torch.Tensor]:
    """Every initialiser of an ONNX file as a tensor, by name."""
    try:
        proto = onnx.load(str(path))
    except Exception as exc:  # onnx raises several unrelated types for a bad file
        raise PlateplugError(f"cannot read ONNX file {path}: {exc}") from exc
    return {init.name: torch.from_numpy(np.array(numpy_helper.to_array(init)))
            for init in proto.graph.initializer}


def initial_state(path: str | Path) -> dict[str, torch.Tensor]:
    """The generator weights of a ``.pt`` checkpoint or an ``.onnx`` export, by name."""
    if Path(path).suffix.lower() == ".onnx":
        return onnx_state(path)
    return checkpoint.model_state(checkpoint.load(path))


def load_state(model: nn.Module, source: dict[str, torch.Tensor], path: str | Path) -> None:
    """Load ``source`` (read from ``path``) into ``model``; PlateplugError naming ``path``
    when a weight is missing or has another shape."""
    wanted = model.state_dict()
    missing = [k for k in wanted if k not in source]
    wrong = [k for k in wanted if k in source and source[k].shape != wanted[k].shape]
    if missing or wrong:
        raise PlateplugError(f"{path} does not fit this model: {len(missing)} weights missing, "
                             f"{len(wrong)} of another shape (first: {(missing + wrong)[0]})")
    model.load_state_dict({k: source[k].to(wanted[k].dtype) for k in wanted})


def load_initial_weights(model: nn.Module, path: str | Path) -> None:
    """Load the generator weights of a ``.pt`` checkpoint or an ``.onnx`` export into
    ``model``; PlateplugError when a weight is missing or has another shape."""
    load_state(model, initial_state(path), path)
