"""Versions and machine facts recorded with every benchmark, so numbers can be compared."""

from __future__ import annotations

import importlib.metadata
import os
import platform
from pathlib import Path
from typing import Any

import cv2

PACKAGES = ("plateplug", "onnxruntime", "onnxruntime-gpu", "numpy", "rapidocr", "torch")
OPENCV_DISTS = ("opencv-python-headless", "opencv-contrib-python-headless", "opencv-python",
                "opencv-contrib-python")


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else what platform knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _load_average() -> list[float] | None:
    """1/5/15-minute load: other work on the machine slows every timing."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):  # not on every platform
        return None


def _providers() -> list[str]:
    try:
        import onnxruntime
    except ImportError:
        return []
    return list(onnxruntime.get_available_providers())


def environment() -> dict[str, Any]:
    """Package versions, OpenCV build, machine (CPU, cores, load) and onnxruntime providers."""
    versions = {name: v for name in PACKAGES if (v := _version(name))}
    versions["opencv"] = cv2.__version__
    return {
        "versions": versions,
        "opencv_distributions": [d for d in OPENCV_DISTS if _version(d)],
        "opencv_dnn_superres": hasattr(cv2, "dnn_superres"),
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version(),
                    "load_average": _load_average()},
        "onnxruntime_providers": _providers(),
    }
