"""int8 copies of enhancers: calibration crops, metadata, output close to the fp32 model, and
`plateplug quantize`'s errors."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("onnx")

from plateplug.cli import main  # noqa: E402
from plateplug.data.crops import Crop  # noqa: E402
from plateplug.metadata import ModelMetadata  # noqa: E402
from plateplug.models import OnnxModel  # noqa: E402
from plateplug.train.quantize import calibration_crops, quantize_enhancer  # noqa: E402


def plate_crops(count: int = 4) -> list[Crop]:
    """HR crops: dark characters (bars) on a light plate, 64 x 200."""
    rng = np.random.default_rng(1)
    crops = []
    for i in range(count):
        image = np.full((64, 200, 3), 210, np.uint8)
        for x in rng.integers(10, 180, 6):
            image[12:52, x:x + 8] = rng.integers(0, 60)
        crops.append(Crop(image, f"test/{i}"))
    return crops


def test_calibration_crops_are_lr_crops_of_the_working_heights():
    meta = ModelMetadata(name="m", scale=4, min_input_height=12, max_input_height=16)
    samples = calibration_crops(plate_crops(), meta, 20)
    assert len(samples) == 20 and all(s.dtype == np.uint8 for s in samples)
    assert {s.shape[0] for s in samples} <= set(range(12, 17))
    assert all(abs(s.shape[1] / s.shape[0] - 200 / 64) < 0.2 for s in samples)


def test_the_int8_copy_keeps_metadata_and_stays_close(tiny_onnx, tmp_path):
    source = tiny_onnx("m.onnx", blur=True, name="m")
    model = OnnxModel(name="m", path=source)
    quantize_enhancer(source, tmp_path / "m-int8.onnx", plate_crops(), count=8)
    copy = model.int8()  # the naming convention: m-int8, m-int8.onnx beside m.onnx
    meta = copy.metadata()
    assert (copy.name, meta.name, meta.precision, meta.scale, meta.tile_overlap) == \
        ("m-int8", "m-int8", "int8", 4, 2)
    assert meta.extra["int8_calibration"] == "8 LR plate crops, seed 0"
    assert model.metadata().precision is None  # not stored: full precision
    import onnx
    ops = {node.op_type for node in onnx.load(str(copy.path)).graph.node}
    assert "QuantizeLinear" in ops and "DequantizeLinear" in ops
    crop = plate_crops(1)[0].image[::4, ::4]
    full, quantized = model.load("cpu", 1)(crop), copy.load("cpu", 1)(crop)
    assert quantized.shape == full.shape == (64, 200, 3)
    assert np.abs(full.astype(int) - quantized.astype(int)).mean() < 2.0


def test_quantize_command(tiny_onnx, synthetic_plates, tmp_path):
    source = tiny_onnx("m.onnx", blur=True, name="m")
    out = tmp_path / "out" / "m-int8.onnx"
    result = CliRunner().invoke(main, ["quantize", str(source), "-o", str(out), "--data",
                                       str(synthetic_plates), "--samples", "4"])
    assert result.exit_code == 0, result.output
    assert OnnxModel(name="x", path=out).metadata().precision == "int8"


@pytest.mark.parametrize(("model", "message"), [
    ("nope", "unknown enhancer 'nope'"),
    ("missing.onnx", "model file missing.onnx does not exist"),
])
def test_quantize_errors_are_one_line(synthetic_plates, tmp_path, model, message):
    """Unknown names and missing files are one Error line, and nothing is written."""
    result = CliRunner().invoke(main, ["quantize", model, "-o", str(tmp_path / "x.onnx"),
                                       "--data", str(synthetic_plates)])
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.onnx").exists()


def test_quantize_never_replaces_its_input(tiny_onnx, synthetic_plates):
    source = tiny_onnx("m.onnx", name="m")
    before = source.read_bytes()
    result = CliRunner().invoke(main, ["quantize", str(source), "-o", str(source), "--data",
                                       str(synthetic_plates)])
    assert result.exit_code == 1 and "refusing to overwrite the input model" in result.output
    assert source.read_bytes() == before


def test_a_routed_model_is_quantised_file_by_file(tiny_onnx, synthetic_plates, tmp_path):
    from tests.test_routing import build_router

    tiny_onnx("sharp.onnx", name="sharp")
    tiny_onnx("general.onnx", name="general")
    router = build_router(tmp_path / "router.onnx")
    result = CliRunner().invoke(main, ["quantize", str(router), "-o", str(tmp_path / "x.onnx"),
                                       "--data", str(synthetic_plates)])
    assert result.exit_code == 1 and "quantise each file" in result.output, result.output
    assert str(tmp_path / "sharp.onnx") in result.output
