"""Find and load registered detectors; the default is the shipped trained one."""

from __future__ import annotations

from plateplug import plugins
from plateplug.detect.detector import Detector, DetectorModel
from plateplug.detect.errors import NoDetectorError

DEFAULT = "plateplug"
FALLBACK = "haar"


def list_detectors() -> list[DetectorModel]:
    """Every registered detector model, available or not."""
    return [r.item for r in plugins.registry("detector").values()]


def load_detector(name: str | None = None, device: str = "auto",
                  threads: int | None = None) -> Detector:
    """Load detector ``name``; None picks 'plateplug', else 'haar' when it can load."""
    if name is not None:
        return plugins.lookup("detector", name).item.load(device=device, threads=threads)
    known = plugins.registry("detector")
    reasons = []
    for candidate in (DEFAULT, FALLBACK):
        if candidate not in known:
            reasons.append(f"{candidate!r} is not registered")
            continue
        reason = known[candidate].item.unavailable_reason()
        if reason is None:
            return known[candidate].item.load(device=device, threads=threads)
        reasons.append(f"{candidate!r}: {reason}")
    raise NoDetectorError("no plate detector is available (" + "; ".join(reasons) + ")")
