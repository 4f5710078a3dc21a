"""onnxruntime sessions: provider choice (CUDA when it really loads, else CPU), thread count
(at most the CPU cores) and caching."""

from __future__ import annotations

import importlib.metadata
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, overload

from plateplug.errors import DeviceUnavailableError, ModelFileError, PlateplugError
from plateplug.extras import require
from plateplug.metadata import Metadata, ModelMetadata

DEVICES = ("auto", "cpu", "cuda")
CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
log = logging.getLogger("plateplug")
S = TypeVar("S", bound=Metadata)


def _ort() -> Any:
    return require("onnxruntime", "cpu")


@cache
def _warn_cpu_fallback(reason: str) -> None:
    log.warning("CUDA is not usable (%s); running on the CPU", reason)


def cpu_cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@cache
def _warn_threads(asked: int, cores: int) -> None:
    log.warning("%d threads asked for, but only %d CPU cores are usable; using %d",
                asked, cores, cores)


def _gpu_build_installed() -> bool:
    """Whether onnxruntime-gpu (the plateplug[gpu] extra) is installed."""
    try:
        importlib.metadata.distribution("onnxruntime-gpu")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _open(path: Path, options: Any, providers: list[str]) -> Any:
    if not path.is_file():
        raise ModelFileError(f"model file {path} does not exist")
    try:
        return _ort().InferenceSession(str(path), options, providers=providers)
    except Exception as exc:
        raise ModelFileError(f"cannot load model file {path}: {exc}") from exc


def runs_on_cpu(device: str) -> bool:
    """Whether ``device`` ('auto', 'cpu' or 'cuda') means the CPU here: 'cpu', or 'auto'
    with no CUDA provider in this onnxruntime."""
    return device == "cpu" or (device == "auto" and CUDA not in _ort().get_available_providers())


@cache
def session(path: Path, device: str = "auto", threads: int | None = None) -> Any:
    """A cached InferenceSession for ``path`` on ``device`` ('auto', 'cpu' or 'cuda').

    ``auto`` and ``cuda`` keep CUDA only if the created session really runs on it; ``cuda``
    otherwise raises, ``auto`` falls back to the CPU, with one logged warning when CUDA was
    expected (onnxruntime-gpu installed), silently on a CPU-only install. ``threads`` above
    the usable CPU cores is lowered to their number, with one logged warning.
    """
    if device not in DEVICES:
        raise PlateplugError(f"unknown device {device!r}; use one of {', '.join(DEVICES)}")
    ort = _ort()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        cores = cpu_cores()
        if threads > cores:
            _warn_threads(threads, cores)
        options.intra_op_num_threads = min(threads, cores)
    if device == "cpu":
        return _open(path, options, [CPU])
    has_cuda, gpu_build = CUDA in ort.get_available_providers(), _gpu_build_installed()
    if has_cuda:
        sess = _open(path, options, [CUDA, CPU])
        if sess.get_providers()[0] == CUDA:
            return sess
        reason = "the CUDA provider failed to initialise (check the CUDA/cuDNN libraries)"
    elif gpu_build:
        reason = ("onnxruntime-gpu is installed but the onnxruntime that loads has no CUDA "
                  "provider (uninstall the CPU-only onnxruntime package)")
    else:
        reason = "this onnxruntime has no CUDA provider (install plateplug[gpu])"
    if device == "cuda":
        raise DeviceUnavailableError(f"device 'cuda' requested but {reason}")
    if has_cuda or gpu_build:
        _warn_cpu_fallback(reason)
    return _open(path, options, [CPU])


@overload
def metadata_of(sess: Any, source: str | Path) -> ModelMetadata: ...
@overload
def metadata_of(sess: Any, source: str | Path, schema: type[S]) -> S: ...
def metadata_of(sess: Any, source: str | Path, schema: type[Metadata] = ModelMetadata) -> Any:
    """The plateplug metadata of an open session read as ``schema`` (an enhancer's
    ModelMetadata unless told; ``source`` names the file in errors)."""
    return schema.from_props(sess.get_modelmeta().custom_metadata_map, source=str(source))


@overload
def read_metadata(path: Path) -> ModelMetadata: ...
@overload
def read_metadata(path: Path, schema: type[S]) -> S: ...
def read_metadata(path: Path, schema: type[Metadata] = ModelMetadata) -> Any:
    """The plateplug metadata of an ONNX file read as ``schema`` (as for ``metadata_of``),
    from a light CPU session without optimisation."""
    ort = _ort()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return metadata_of(_open(path, options, [CPU]), path, schema)
