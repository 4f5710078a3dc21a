"""Reading image files (the pixel cap, checked from the header; 16-bit / float images) and
writing files atomically (``atomic_path``)."""

import os
import struct
import zlib

import cv2
import numpy as np
import pytest

from plateplug import imageio
from plateplug.errors import InvalidImageError, PlateplugError
from plateplug.imageio import DEFAULT_MAX_PIXELS, atomic_path, image_size, read_image


def huge_png(path, width, height):
    """A genuine grey PNG of width x height black pixels, compressed to a few kB."""
    packer = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte + pixels
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))
    return path


def written(path, image, params=()):
    assert cv2.imwrite(str(path), image, list(params))
    return path


@pytest.mark.parametrize("suffix, params", [
    (".png", ()), (".jpg", ()), (".jpg", (cv2.IMWRITE_JPEG_PROGRESSIVE, 1)), (".bmp", ()),
    (".webp", ()), (".webp", (cv2.IMWRITE_WEBP_QUALITY, 101)), (".tif", ()),
])
def test_header_gives_the_size_of_each_supported_format(tmp_path, suffix, params):
    path = written(tmp_path / f"x{suffix}", np.zeros((37, 53, 3), np.uint8), params)
    assert image_size(path.read_bytes()) == (53, 37)


def test_big_endian_tiff_header():
    entries = [(256, 3, 1, 700 << 16), (257, 4, 1, 90000)]  # SHORT left-justified, LONG
    data = b"MM\x00*" + struct.pack(">IH", 8, len(entries)) + b"".join(
        struct.pack(">HHII", *e) for e in entries)
    assert image_size(data) == (700, 90000)


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n\x00", b"\xff\xd8\xff"])
def test_unknown_or_cut_headers_give_none(data):
    assert image_size(data) is None


def test_image_over_the_default_cap_is_refused_before_decoding(tmp_path, monkeypatch):
    path = huge_png(tmp_path / "bomb.png", 10_000, 6_000)  # 60 MP in about 60 kB
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(imageio.cv2, "imdecode", lambda *a: pytest.fail("pixels decoded"))
    with pytest.raises(InvalidImageError, match=f"{path} is 10000 x 6000 = 60,000,000 pixels, "
                       "more than the maximum of 50,000,000"):
        read_image(path)
    assert DEFAULT_MAX_PIXELS == 50_000_000


def test_max_pixels_keyword(tmp_path):
    path = written(tmp_path / "x.png", np.zeros((20, 30, 3), np.uint8))
    assert read_image(path, max_pixels=600).shape == (20, 30, 3)
    assert read_image(path, max_pixels=None).shape == (20, 30, 3)
    with pytest.raises(InvalidImageError, match="--max-pixels"):
        read_image(path, max_pixels=599)


def test_format_without_a_header_parser_is_checked_after_decoding(tmp_path):
    path = written(tmp_path / "x.ppm", np.zeros((20, 30, 3), np.uint8))
    assert image_size(path.read_bytes()) is None
    with pytest.raises(InvalidImageError, match="20 = 600 pixels"):
        read_image(path, max_pixels=599)


def test_16_bit_image_is_scaled_by_its_full_range(tmp_path):
    grey = np.array([[0, 128, 129, 100 * 257, 65535]], np.uint16)
    path = written(tmp_path / "x.png", grey)
    assert read_image(path).tolist() == [[0, 0, 1, 100, 255]]  # rounded


@pytest.mark.parametrize("values, expected", [
    ([0.0, 0.5, 1.0, -0.2], [0, 128, 255, 0]),       # 0..1: scaled by 255
    ([0.0, 100.0, 255.0, 300.0], [0, 100, 255, 255]),  # beyond 1: taken as 0..255, clipped
])
def test_float_image_is_not_black(tmp_path, values, expected):
    path = written(tmp_path / "x.tif", np.array([values], np.float32))
    assert read_image(path).tolist() == [expected]


def test_float_image_with_nan_is_refused(tmp_path):
    path = written(tmp_path / "x.tif", np.array([[0.5, np.nan]], np.float32))
    with pytest.raises(InvalidImageError, match="NaN or infinite"):
        read_image(path)


def test_signed_samples_are_refused(tmp_path):
    path = written(tmp_path / "x.tif", np.array([[-5, 7]], np.int16))
    with pytest.raises(InvalidImageError, match="int16 samples"):
        read_image(path)


def test_atomic_path_replaces_the_target_with_what_the_writer_wrote(tmp_path):
    target = tmp_path / "sub" / "model.pt"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_bytes(b"new")
        assert not target.exists()
    assert target.read_bytes() == b"new"
    assert os.listdir(target.parent) == ["model.pt"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_atomic_path_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "model.onnx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="writer broke"), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer broke")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["model.onnx"]


def test_atomic_path_os_errors_name_the_target_not_the_temp_file(tmp_path):
    target = tmp_path / "boxes.csv"
    with pytest.raises(PlateplugError, match=f"^{target}: cannot write"), \
            atomic_path(target) as tmp:
        raise OSError(28, "No space left on device", str(tmp))
    assert os.listdir(tmp_path) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(PlateplugError, match="file/x.pt: cannot write"), \
            atomic_path(tmp_path / "file" / "x.pt"):
        pass
