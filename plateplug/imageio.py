"""Read images from disk and write them atomically (temp file + rename), never in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from plateplug.errors import PlateplugError


def read_image(path: str | Path) -> np.ndarray:
    """Read an image file as uint8 (BGR, grey or BGRA as stored); clear error if it is not one."""
    path = Path(path)
    if not path.is_file():
        raise PlateplugError(f"{path}: no such file")
    data = np.fromfile(path, dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if image is None:
        raise PlateplugError(f"{path}: not a readable image")
    if image.dtype != np.uint8:  # 16-bit PNG/TIFF: scale to 8 bits
        image = (image / 257).astype(np.uint8)
    return image


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_image(path: str | Path, image: np.ndarray) -> None:
    """Encode ``image`` by ``path``'s suffix and write it atomically."""
    path = Path(path)
    ok, encoded = cv2.imencode(path.suffix or ".png", image)
    if not ok:
        raise PlateplugError(f"{path}: cannot encode an image with suffix {path.suffix!r}")
    write_bytes_atomic(path, encoded.tobytes())
