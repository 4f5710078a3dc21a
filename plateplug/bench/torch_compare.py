"""One comparison of an ONNX enhancer with the torch model of the same weights.

The checkpoint is one written by ``plateplug train``; the network is rebuilt from the model's
training recipe (``plateplug.train.export.load_generator``, as the ONNX export does). The
torch module runs inside the ONNX enhancer's own pre/post-processing (``OnnxEnhancer`` with a
torch-backed session), so only the engine differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from plateplug.bench import speed
from plateplug.enhancer import Enhancer
from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.models import OnnxEnhancer
from plateplug.routing import RoutedEnhancer


class TorchSession:
    """The slice of ``onnxruntime.InferenceSession`` that OnnxEnhancer uses, run by torch."""

    def __init__(self, module: Any):
        self.torch = require("torch", "train")
        self.module = module

    def get_providers(self) -> list[str]:
        return [f"torch-{self.torch.__version__}"]

    def get_inputs(self) -> list[Any]:
        return [SimpleNamespace(name="input")]

    def run(self, _outputs: Any, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        with self.torch.inference_mode():
            y = self.module(self.torch.from_numpy(feeds["input"]))
        return [y.numpy()]


def load_checkpoint(checkpoint: Path) -> tuple[str, Any]:
    """(model name, eval-mode torch module) of a ``plateplug train`` checkpoint."""
    require("torch", "train")
    from plateplug.train import checkpoint as ckpt
    from plateplug.train.export import load_generator

    if not checkpoint.is_file():
        raise PlateplugError(f"torch checkpoint {checkpoint} does not exist")
    try:
        name = ckpt.load(checkpoint).get("model_name")
    except Exception as exc:
        raise PlateplugError(f"cannot read torch checkpoint {checkpoint}: {exc}") from exc
    if not isinstance(name, str):
        raise PlateplugError(f"{checkpoint} is not a plateplug training checkpoint "
                             "(no model_name)")
    try:
        _, module, _ = load_generator(name, checkpoint)
    except (KeyError, RuntimeError) as exc:
        raise PlateplugError(f"{checkpoint} does not fit the {name} architecture: {exc}") from exc
    return name, module


def compare_with_torch(enhancer: Enhancer, module: Any, checkpoint: Path, crop: np.ndarray,
                       batch: Sequence[np.ndarray]) -> dict[str, Any]:
    """Speed of both engines and how far their outputs differ on ``crop`` (grey levels)."""
    if isinstance(enhancer, RoutedEnhancer):
        raise PlateplugError(f"{enhancer.name} routes crops between two ONNX files, not one")
    if not isinstance(enhancer, OnnxEnhancer):
        raise PlateplugError(f"{enhancer.name} is not an ONNX enhancer")
    twin = OnnxEnhancer(TorchSession(module), enhancer.metadata)
    diff = np.abs(enhancer(crop).astype(np.int16) - twin(crop).astype(np.int16))
    engines = {}
    for label, which in (("onnxruntime", enhancer), ("torch", twin)):
        s = speed.measure(which, crop, batch)
        engines[label] = {"ms_per_crop": s.ms_per_crop, "runs": s.runs,
                          "crops_per_s": s.crops_per_s, "providers": which.providers}
    return {"model": enhancer.name, "checkpoint": str(checkpoint),
            "torch_threads": require("torch", "train").get_num_threads(),
            "max_abs_diff": int(diff.max()), "mean_abs_diff": float(diff.mean()), **engines}
