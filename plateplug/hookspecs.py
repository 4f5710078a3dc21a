"""The hooks a plateplug plugin can implement (entry-point group ``plateplug``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("plateplug")
hookimpl = pluggy.HookimplMarker("plateplug")


@hookspec
def register_enhancers(register: Callable[[Any], None]) -> None:
    """Register enhancers: call ``register(model)`` with ``plateplug.EnhancerModel`` objects
    (``plateplug.OnnxModel`` for an ONNX file with plateplug metadata).

    A name that a built-in (or an earlier plugin) already registered is skipped with a
    warning, unless the user sets ``PLATEPLUG_OVERRIDE=NAME=PLUGIN`` (see plateplug.plugins).
    """


@hookspec
def register_detectors(register: Callable[[Any], None]) -> None:
    """Register plate detectors: call ``register(model)`` with ``plateplug.DetectorModel``
    objects (``plateplug.OnnxDetectorModel`` for an ONNX file with detector metadata)."""


@hookspec
def register_readers(register: Callable[[Any], None]) -> None:
    """Register plate readers (OCR): call ``register(model)`` with ``plateplug.ReaderModel``
    objects."""
