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


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import: os.umask is process-wide and not thread-safe


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename.

    The file gets the mode a plain ``open`` would give (0666 less the umask); a failure
    raises :class:`PlateplugError` naming ``path``, never the temp file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise PlateplugError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PlateplugError(f"{path}: cannot write ({exc.strerror})") from None
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
