"""RapidOCR's recogniser as a torch teacher: run through torch it reads like onnxruntime, and
the distillation loss is zero on the HR image and pulls SR towards HR's reading."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from plateplug.train.ocr_teacher import INPUT_HEIGHT, OcrDistillationLoss  # noqa: E402
from tests.train.ocr_stand_in import ColumnReader  # noqa: E402


def test_reader_input_is_48_high_bgr_in_minus_one_to_one():
    rgb = torch.zeros(2, 3, 24, 60)
    rgb[:, 0] = 1.0  # red
    x = OcrDistillationLoss.reader_input(rgb)
    assert x.shape == (2, 3, INPUT_HEIGHT, 120)
    assert torch.allclose(x[:, 2], torch.ones_like(x[:, 2]))  # red is the last channel (BGR)
    assert torch.allclose(x[:, 0], -torch.ones_like(x[:, 0]))


def test_distillation_is_zero_on_hr_and_its_gradient_moves_sr_towards_hr():
    loss = OcrDistillationLoss(ColumnReader())
    hr = torch.rand(2, 3, 32, 96)
    assert float(loss(hr, hr)) == pytest.approx(0.0, abs=1e-6)
    sr = torch.rand(2, 3, 32, 96, requires_grad=True)
    first = loss(sr, hr)
    assert float(first) > 0
    first.backward()
    with torch.no_grad():
        moved = sr - 0.05 * sr.grad / sr.grad.norm()
    assert float(loss(moved, hr)) < float(first)


def test_a_recogniser_onnx_file_is_the_teacher_without_the_rapidocr_package(tmp_path):
    from plateplug.train.recipes.srgan import make_objective

    reader = ColumnReader().eval()
    path = tmp_path / "rec.onnx"
    x = torch.rand(2, 3, INPUT_HEIGHT, 96) * 2 - 1
    torch.onnx.export(reader, (x,), str(path), input_names=["x"], dynamo=False,
                      dynamic_axes={"x": {0: "n", 3: "w"}})
    objective = make_objective({"recognizer": str(path)}, torch.device("cpu"))
    assert isinstance(objective.feature_loss, OcrDistillationLoss)
    wider = torch.rand(1, 3, INPUT_HEIGHT, 160) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(objective.feature_loss.network(wider), reader(wider),
                                   atol=1e-5, rtol=1e-4)


@pytest.mark.slow
def test_the_rapidocr_teacher_reads_like_onnxruntime():
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    ort = pytest.importorskip("onnxruntime")
    from plateplug.train.ocr_teacher import load_ocr_teacher, recogniser_path

    x = np.random.default_rng(2).random((2, 3, INPUT_HEIGHT, 96), dtype=np.float32) * 2 - 1
    session = ort.InferenceSession(str(recogniser_path()), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": x})[0]
    with torch.no_grad():
        got = load_ocr_teacher()(torch.from_numpy(x)).numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-4)
