"""onnxruntime sessions: provider choice (CUDA when it really loads, else CPU) and caching."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

from plateplug.errors import DeviceUnavailableError, ModelFileError, PlateplugError
from plateplug.extras import require
from plateplug.metadata import ModelMetadata

DEVICES = ("auto", "cpu", "cuda")
CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
log = logging.getLogger("plateplug")


def _ort() -> Any:
    return require("onnxruntime", "cpu")


@cache
def _warn_cpu_fallback(reason: str) -> None:
    log.warning("CUDA is not usable (%s); running on the CPU", reason)


def _open(path: Path, options: Any, providers: list[str]) -> Any:
    if not path.is_file():
        raise ModelFileError(f"model file {path} does not exist")
    try:
        return _ort().InferenceSession(str(path), options, providers=providers)
    except Exception as exc:
        raise ModelFileError(f"cannot load model file {path}: {exc}") from exc


@cache
def session(path: Path, device: str = "auto", threads: int | None = None) -> Any:
    """A cached InferenceSession for ``path`` on ``device`` ('auto', 'cpu' or 'cuda').

    ``auto`` and ``cuda`` keep CUDA only if the created session really runs on it;
    ``auto`` then falls back to the CPU with one logged warning, ``cuda`` raises.
    """
    if device not in DEVICES:
        raise PlateplugError(f"unknown device {device!r}; use one of {', '.join(DEVICES)}")
    ort = _ort()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = threads
    if device == "cpu":
        return _open(path, options, [CPU])
    if CUDA in ort.get_available_providers():
        sess = _open(path, options, [CUDA, CPU])
        if sess.get_providers()[0] == CUDA:
            return sess
        reason = "the CUDA provider failed to initialise (check the CUDA/cuDNN libraries)"
    else:
        reason = "this onnxruntime has no CUDA provider (install plateplug[gpu])"
    if device == "cuda":
        raise DeviceUnavailableError(f"device 'cuda' requested but {reason}")
    _warn_cpu_fallback(reason)
    return _open(path, options, [CPU])


def metadata_of(sess: Any, source: Path) -> ModelMetadata:
    """The plateplug metadata of an open session (``source`` names the file in errors)."""
    return ModelMetadata.from_props(sess.get_modelmeta().custom_metadata_map, source=str(source))


def read_metadata(path: Path) -> ModelMetadata:
    """The plateplug metadata of an ONNX file (a light CPU session, no optimisation)."""
    ort = _ort()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return metadata_of(_open(path, options, [CPU]), path)
