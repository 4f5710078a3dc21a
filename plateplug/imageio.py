"""Read images from disk and write them atomically (temp file + rename), never in place."""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

from plateplug.errors import InvalidImageError, PlateplugError

DEFAULT_MAX_PIXELS = 50_000_000
"""Largest image ``read_image`` accepts by default, in pixels (width x height)."""


def read_image(path: str | Path, *, max_pixels: int | None = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Read an image file as uint8 (BGR, grey or BGRA as stored); clear error if it is not one.

    An image of more than ``max_pixels`` pixels (None: no limit) raises
    :class:`InvalidImageError`; for PNG, JPEG, BMP, WebP and TIFF files this is checked from
    the header, before any pixel is decoded. 16-bit images are scaled to 8 bits by their full
    range (/257); float images are taken as 0..1 when no value exceeds 1, else as 0..255
    (clipped); other sample types and NaN or infinite values are refused.
    """
    path = Path(path)
    if not path.is_file():
        raise PlateplugError(f"{path}: no such file")
    data = path.read_bytes()
    size = image_size(data)
    if size is not None:
        check_pixels(*size, max_pixels, str(path))
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED) if data else None
    if image is None:
        raise PlateplugError(f"{path}: not a readable image")
    check_pixels(image.shape[1], image.shape[0], max_pixels, str(path))
    return to_uint8(image, str(path))


def check_pixels(width: int, height: int, max_pixels: int | None, what: str = "image") -> None:
    """Raise :class:`InvalidImageError` when ``width`` x ``height`` exceeds ``max_pixels``."""
    if max_pixels is not None and width * height > max_pixels:
        raise InvalidImageError(
            f"{what} is {width} x {height} = {width * height:,} pixels, more than the "
            f"maximum of {max_pixels:,} (raise it with --max-pixels, or max_pixels= in Python)")


def to_uint8(image: np.ndarray, what: str = "image") -> np.ndarray:
    """``image`` as uint8: 16-bit divided by 257 (rounded), float as 0..1 when its maximum is
    at most 1, else as 0..255 (clipped); any other sample type raises InvalidImageError."""
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return ((image.astype(np.uint32) + 128) // 257).astype(np.uint8)
    if image.dtype.kind == "f":
        if not np.isfinite(image).all():
            raise InvalidImageError(f"{what} has NaN or infinite pixel values")
        scale = 255.0 if image.max() <= 1.0 else 1.0
        return np.clip(np.rint(image * scale), 0, 255).astype(np.uint8)
    raise InvalidImageError(f"{what} has {image.dtype} samples; only 8- and 16-bit unsigned "
                            f"and float images are supported")


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from the header of a PNG, JPEG, BMP, WebP or TIFF file; None for
    another format or a header that cannot be parsed."""
    for magic, parse in _HEADERS:
        if data.startswith(magic):
            try:
                return parse(data)
            except (struct.error, IndexError):
                return None
    return None


def _png(data: bytes) -> tuple[int, int] | None:
    if data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack_from(">II", data, 16)
    return width, height


_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers


def _jpeg(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
        elif marker in _JPEG_SOF:
            height, width = struct.unpack_from(">HH", data, pos + 5)
            return (width, height) if width and height else None
        elif marker in (0xD9, 0xDA):  # end of image or scan data before any frame header
            return None
        else:
            pos += 2 + struct.unpack_from(">H", data, pos + 2)[0]
    return None


def _bmp(data: bytes) -> tuple[int, int] | None:
    (header,) = struct.unpack_from("<I", data, 14)
    width, height = struct.unpack_from("<HH" if header == 12 else "<ii", data, 18)
    return abs(width), abs(height)


def _webp(data: bytes) -> tuple[int, int] | None:
    if data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        (bits,) = struct.unpack_from("<I", data, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    return None


def _tiff(data: bytes) -> tuple[int, int] | None:
    order = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack_from(order + "I", data, 4)
    (count,) = struct.unpack_from(order + "H", data, ifd)
    dims = {}
    for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
        tag, kind = struct.unpack_from(order + "HH", data, entry)
        if tag in (256, 257) and kind in (3, 4):  # ImageWidth, ImageLength as SHORT or LONG
            dims[tag] = struct.unpack_from(order + ("H" if kind == 3 else "I"), data,
                                           entry + 8)[0]
    return (dims[256], dims[257]) if len(dims) == 2 else None


_HEADERS: tuple[tuple[bytes, Callable[[bytes], tuple[int, int] | None]], ...] = (
    (b"\x89PNG\r\n\x1a\n", _png), (b"\xff\xd8", _jpeg), (b"BM", _bmp), (b"RIFF", _webp),
    (b"II*\x00", _tiff), (b"MM\x00*", _tiff),
)


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# read once, at import: os.umask is process-wide and not thread-safe
FILE_MODE = 0o666 & ~_read_umask()  # what a plain ``open`` gives a new file


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temp file in ``path``'s folder for a writer that wants a file name (``torch.save``,
    ``onnx.save``); when the block ends without error it replaces ``path``, else it is removed.

    The file gets the mode a plain ``open`` would give (0666 less the umask); an OSError
    raises :class:`PlateplugError` naming ``path``, never the temp file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise PlateplugError(f"{path}: cannot write ({exc.strerror or exc})") from None
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PlateplugError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename
    (``atomic_path``)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_image(path: str | Path, image: np.ndarray) -> None:
    """Encode ``image`` by ``path``'s suffix and write it atomically."""
    path = Path(path)
    ok, encoded = cv2.imencode(path.suffix or ".png", image)
    if not ok:
        raise PlateplugError(f"{path}: cannot encode an image with suffix {path.suffix!r}")
    write_bytes_atomic(path, encoded.tobytes())
