"""Registered enhancer models and the ONNX-backed enhancer every built-in uses."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from plateplug import runtime
from plateplug.enhancer import Enhancer
from plateplug.errors import ModelNotTrainedError, ModelOutputError
from plateplug.images import to_blob
from plateplug.metadata import ModelMetadata


def missing_weights(path: Path) -> str | None:
    """'not trained yet: ...' when the shipped weights file is absent, else None."""
    return None if Path(path).is_file() else f"not trained yet: no weights at {path}"


class EnhancerModel(ABC):
    """What a plugin registers: a named enhancer that can be described and loaded."""

    name: str
    description: str = ""

    def unavailable_reason(self) -> str | None:
        """Why ``load`` would fail (e.g. 'not trained'), or None when it can load."""
        return None

    def info(self) -> dict[str, Any]:
        """Facts for ``plateplug models``: scale, parameters, file size (what is known)."""
        return {}

    @abstractmethod
    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        """Create the enhancer on ``device`` ('auto', 'cpu' or 'cuda')."""


@dataclass
class OnnxModel(EnhancerModel):
    """An enhancer shipped as an ONNX file with plateplug metadata (see metadata.py)."""

    name: str
    path: Path
    description: str = ""

    def unavailable_reason(self) -> str | None:
        return missing_weights(self.path)

    def info(self) -> dict[str, Any]:
        if self.unavailable_reason():
            return {}
        meta = runtime.read_metadata(Path(self.path))
        return {"scale": meta.scale, "parameters": meta.parameters,
                "file_size": Path(self.path).stat().st_size, "version": meta.version,
                "architecture": meta.architecture}

    def load(self, device: str = "auto", threads: int | None = None) -> Enhancer:
        reason = self.unavailable_reason()
        if reason:
            raise ModelNotTrainedError(f"model {self.name!r} is {reason}")
        path = Path(self.path)
        sess = runtime.session(path, device, threads)
        return OnnxEnhancer(sess, runtime.metadata_of(sess, path))


class OnnxEnhancer(Enhancer):
    """Runs an ONNX super-resolution graph; everything model-specific comes from metadata."""

    def __init__(self, session: Any, meta: ModelMetadata):
        providers = session.get_providers()
        super().__init__(meta.name, meta.scale, providers=providers,
                         tile_overlap=meta.tile_overlap)
        self.session = session
        self.metadata = meta
        self._input = session.get_inputs()[0].name
        self._rgb = meta.channel_order == "RGB"
        mean = np.array(meta.mean, np.float32).reshape(1, 3, 1, 1)
        std = np.array(meta.std, np.float32).reshape(1, 3, 1, 1)
        self._out_scale, self._out_offset = std * np.float32(255), mean * np.float32(255) + 0.5

    def _run(self, batch: np.ndarray) -> np.ndarray:
        h, w = batch.shape[1:3]
        return self.decode(self.forward(self.blob(batch)), h, w)

    def blob(self, batch: np.ndarray) -> np.ndarray:
        """N x H x W x 3 uint8 BGR -> the model's normalised N x 3 x H' x W' float input,
        H and W edge-padded to the metadata's ``pad_multiple``."""
        h, w = batch.shape[1:3]
        m = self.metadata.pad_multiple
        ph, pw = -h % m, -w % m
        if ph or pw:
            batch = np.pad(batch, ((0, 0), (0, ph), (0, pw), (0, 0)), mode="edge")
        return to_blob(batch, self.metadata.mean, self.metadata.std, self._rgb)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run the graph on input ``x``; ModelOutputError unless it returns N x 3 x sH x sW."""
        y = self.session.run(None, {self._input: x})[0]
        s = self.scale
        if y.shape != (x.shape[0], 3, x.shape[2] * s, x.shape[3] * s):
            raise ModelOutputError(
                f"model {self.name!r} returned shape {y.shape} for input {x.shape}, which "
                f"does not match the scale {s} its metadata declares")
        return y

    def decode(self, y: np.ndarray, h: int, w: int) -> np.ndarray:
        """The model's output -> N x sh x sw x 3 uint8 BGR for inputs of h x w (padding cut;
        ``y`` is overwritten)."""
        y *= self._out_scale
        y += self._out_offset
        np.clip(y, 0, 255, out=y)
        out = y.astype(np.uint8).transpose(0, 2, 3, 1)
        if self._rgb:
            out = out[..., ::-1]
        s = self.scale
        return np.ascontiguousarray(out[:, :h * s, :w * s])
