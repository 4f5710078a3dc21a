"""Find and load registered detectors; the default is the shipped trained one."""

from __future__ import annotations

from pathlib import Path

from plateplug import plugins
from plateplug.detect.detector import Detector, DetectorModel
from plateplug.detect.errors import NoDetectorError
from plateplug.errors import PlateplugError

DEFAULT = "plateplug"
FALLBACK = "haar"


def detectors() -> dict[str, plugins.Registered[DetectorModel]]:
    """Name -> registered detector model (with the plugin that registered it)."""
    return plugins.registry("detector")


def list_detectors() -> list[DetectorModel]:
    """Every registered detector model, available or not."""
    return [r.item for r in detectors().values()]


def _entry(name: str, path: str | Path | None) -> plugins.Registered[DetectorModel]:
    if path is None and name not in detectors() and ":" in name:
        name, path = name.split(":", 1)
        if not path:
            raise PlateplugError(f"detector {name!r}: empty model path after ':'")
    entry = plugins.lookup("detector", name)
    return entry if path is None else plugins.Registered(entry.call("with_path", path),
                                                         entry.plugin)


def resolve_detector(name: str, path: str | Path | None = None) -> DetectorModel:
    """The registered detector ``name``; ``NAME:PATH`` (or ``path``) reads its weights from
    a file, e.g. ``yolo:plates.onnx``."""
    return _entry(name, path).item


def load_detector(name: str | None = None, device: str = "auto",
                  threads: int | None = None, path: str | Path | None = None) -> Detector:
    """Load detector ``name`` (``NAME:PATH`` or ``path=`` for a model file, e.g.
    ``load_detector("yolo", path="plates.onnx")``); None picks 'plateplug', else 'haar'
    when it can load."""
    if name is not None:
        return _entry(name, path).call("load", device=device, threads=threads)
    if path is not None:
        raise PlateplugError("a detector path needs a detector name (e.g. 'yolo')")
    known = detectors()
    reasons = []
    for candidate in (DEFAULT, FALLBACK):
        if candidate not in known:
            reasons.append(f"{candidate!r} is not registered")
            continue
        reason = known[candidate].call("unavailable_reason")
        if reason is None:
            return known[candidate].call("load", device=device, threads=threads)
        reasons.append(f"{candidate!r}: {reason}")
    raise NoDetectorError("no plate detector is available (" + "; ".join(reasons) + ")")
