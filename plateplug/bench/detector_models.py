"""Which detectors ``plateplug bench-detector`` measures: registered ones (or NAME:PATH) and
single-class YOLO ONNX anchors measured beside them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from plateplug.detect import DetectorModel
from plateplug.detect.loading import resolve_detector
from plateplug.detect.yolo import YoloModel
from plateplug.errors import PlateplugError
from plateplug.plugins import registry


def bench_models(names: Sequence[str], anchors: Sequence[str],
                 log: Callable[[str], None]) -> dict[str, DetectorModel]:
    """Label -> detector model: the named ones (none named: every registered one that can
    load; the others are said through ``log`` as skipped) and the ``NAME=PATH`` anchors.
    PlateplugError for a malformed or repeated anchor, or when nothing is left."""
    models: dict[str, DetectorModel] = {}
    for name in names or sorted(registry("detector")):
        model = resolve_detector(name)
        reason = model.unavailable_reason()
        if reason:
            log(f"{name}: skipped ({reason})")
        else:
            models[name] = model
    for anchor in anchors:
        label, _, path = anchor.partition("=")
        if not label or not path:
            raise PlateplugError(f"--anchor {anchor!r} is not NAME=PATH")
        if label in models:
            raise PlateplugError(f"--anchor: name {label!r} is used twice")
        models[label] = YoloModel(label, Path(path))
    if not models:
        raise PlateplugError("no detector to measure")
    return models
