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


def read_onnx(path: str | Path) -> onnx.ModelProto:
    """The ONNX model at ``path``; PlateplugError when it cannot be read."""
    try:
        return onnx.load(str(path))
    except Exception as exc:  # onnx raises several unrelated types for a bad file
        raise PlateplugError(f"cannot read ONNX file {path}: {exc}") from exc


def initialisers(proto: onnx.ModelProto) -> dict[str, torch.Tensor]:
    """Every initialiser of an ONNX model as a tensor, by name."""
    return {init.name: torch.from_numpy(np.array(numpy_helper.to_array(init)))
            for init in proto.graph.initializer}


def onnx_state(path: str | Path) -> dict[str, torch.Tensor]:
    """Every initialiser of an ONNX file as a tensor, by name."""
    return initialisers(read_onnx(path))


def initial_state(path: str | Path) -> dict[str, torch.Tensor]:
    """The generator weights of a ``.pt`` checkpoint or an ``.onnx`` export, by name."""
    if Path(path).suffix.lower() == ".onnx":
        return onnx_state(path)
    return checkpoint.model_state(checkpoint.load(path))


def widen(old: torch.Tensor, fresh: torch.Tensor, in_parts: int = 1) -> torch.Tensor:
    """``old`` (in ``fresh``'s dtype) embedded in the wider ``fresh`` tensor so the layer
    computes what the old one did: old output channels keep their weights and read nothing
    from the new input channels (zero), new output channels keep ``fresh``'s random start.
    ``in_parts``: the input channels are that many equal concatenated parts, each widened at
    its end. A tensor of the same shape comes back as it is."""
    if old.shape == fresh.shape:
        return old.to(fresh.dtype)
    out = fresh.clone()
    if old.dim() < 2:
        out[: old.shape[0]] = old
        return out
    rows = old.shape[0]
    out[:rows] = 0
    old_part, new_part = old.shape[1] // in_parts, fresh.shape[1] // in_parts
    for part in range(in_parts):
        out[:rows, part * new_part: part * new_part + old_part] = (
            old[:, part * old_part: (part + 1) * old_part])
    return out


def load_state(model: nn.Module, source: dict[str, torch.Tensor], path: str | Path) -> None:
    """Load ``source`` (read from ``path``) into ``model``, widening the weights of a
    narrower model of the same architecture (``widen``; parts listed in the model's
    ``CONCATENATED_INPUTS``); PlateplugError naming ``path`` when a weight is missing or
    does not fit."""
    wanted = model.state_dict()
    parts: dict[str, int] = getattr(model, "CONCATENATED_INPUTS", {})
    missing = [k for k in wanted if k not in source]
    wrong = [k for k in wanted if k in source and not fits(source[k], wanted[k], parts.get(k, 1))]
    if missing or wrong:
        raise PlateplugError(f"{path} does not fit this model: {len(missing)} weights missing, "
                             f"{len(wrong)} of another shape (first: {(missing + wrong)[0]})")
    model.load_state_dict({k: widen(source[k], wanted[k], parts.get(k, 1)) for k in wanted})


def fits(old: torch.Tensor, new: torch.Tensor, in_parts: int = 1) -> bool:
    """Whether ``old`` is ``new`` or a narrower copy of it (``widen`` can embed it)."""
    if old.shape == new.shape:
        return True
    if old.dim() != new.dim() or any(a > b for a, b in zip(old.shape, new.shape, strict=True)):
        return False
    return old.dim() < 2 or (old.shape[1] % in_parts == 0 and new.shape[1] % in_parts == 0
                             and old.shape[2:] == new.shape[2:])


def load_initial_weights(model: nn.Module, path: str | Path) -> None:
    """Load the generator weights of a ``.pt`` checkpoint or an ``.onnx`` export into
    ``model``; PlateplugError when a weight is missing or has another shape."""
    load_state(model, initial_state(path), path)
