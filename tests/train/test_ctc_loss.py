"""The CTC loss against plate text: targets, the folding of the reader's classes to blank +
A-Z0-9, the recogniser's character list, the cutting of two-row plates into lines, and
RapidOCR's recogniser scoring rendered plates."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train.archs.recognizer_arch import ALPHABET, is_plate_text  # noqa: E402
from plateplug.train.ctc_loss import (  # noqa: E402
    PlateCtcLoss,
    load_ctc_loss,
    recogniser_characters,
)
from plateplug.train.ocr_teacher import INPUT_HEIGHT  # noqa: E402

CHARACTERS = ["-", *ALPHABET, "a"]  # the reader's classes after blank (index 0)


class FixedReader(torch.nn.Module):
    """Reads every input as the same columns: 'A', 'A', '-', '1', blank, blank."""

    def forward(self, x):
        probs = torch.full((len(x), 6, 1 + len(CHARACTERS)), 1e-4)
        for column, cls in enumerate([12, 12, 1, 3, 0, 0]):  # class = 1 + index in CHARACTERS
            probs[:, column, cls] = 1.0
        return probs / probs.sum(-1, keepdim=True)


def test_targets_are_plate_characters_after_blank():
    targets, lengths = PlateCtcLoss.encode(["A1", "Z"])
    assert targets.tolist() == [11, 2, 36] and lengths.tolist() == [2, 1]
    assert is_plate_text("ABC123") and not is_plate_text("AB-12") and not is_plate_text("")
    with pytest.raises(PlateplugError, match="A-Z0-9"):
        PlateCtcLoss.encode(["ab1"])


def test_other_classes_fold_into_blank_so_a_dash_costs_nothing():
    loss = PlateCtcLoss(FixedReader(), CHARACTERS)
    sr = torch.rand(1, 3, 16, 48)
    right, wrong = float(loss(sr, ["A1"])), float(loss(sr, ["A2"]))
    assert right < 0.05 < 1.0 < wrong


def test_a_reader_without_plate_characters_is_refused():
    with pytest.raises(PlateplugError, match="cannot read"):
        PlateCtcLoss(FixedReader(), ["-", "a"])


def test_the_characters_come_from_the_recogniser_metadata(tmp_path):
    reader = torch.nn.Conv2d(3, 4, (INPUT_HEIGHT, 8), stride=8)
    path = tmp_path / "rec.onnx"
    torch.onnx.export(reader, (torch.rand(1, 3, INPUT_HEIGHT, 32),), str(path), dynamo=False)
    model = onnx.load(str(path))
    with pytest.raises(PlateplugError, match="lists no characters"):
        recogniser_characters(model)
    entry = model.metadata_props.add()
    entry.key, entry.value = "character", "A\nB\n1"
    assert recogniser_characters(model) == ["A", "B", "1"]


def test_only_rapidocr_recognisers_give_the_ctc_loss(tmp_path):
    with pytest.raises(PlateplugError, match="RapidOCR's recogniser"):
        load_ctc_loss(str(tmp_path / "crnn.pt"))
    with pytest.raises(PlateplugError, match="no recogniser at"):
        load_ctc_loss(str(tmp_path / "missing.onnx"))


def test_rapidocr_recogniser_scores_the_right_text_lower():
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    import cv2

    image = np.full((48, 200, 3), 235, np.uint8)
    cv2.putText(image, "KD4217", (8, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (20, 20, 20), 3)
    rgb = torch.from_numpy(image[..., ::-1].copy()).permute(2, 0, 1)[None].float() / 255
    loss = load_ctc_loss("rapidocr")
    right, wrong = float(loss(rgb, ["KD4217"])), float(loss(rgb, ["XY9038"]))
    assert right < 1.0 and wrong > 5 * right


def test_bands_cut_rows_into_lines_of_one_height():
    sr = torch.arange(2 * 3 * 8 * 6, dtype=torch.float32).reshape(2, 3, 8, 6).requires_grad_()
    whole = [(0, 0.0, 1.0), (1, 0.0, 1.0)]
    assert PlateCtcLoss.lines(sr, whole) is sr
    lines = PlateCtcLoss.lines(sr, [(0, 0.0, 0.5), (0, 0.5, 1.0), (1, 0.25, 0.5)])
    assert lines.shape == (3, 3, 4, 6)
    assert torch.equal(lines[0], sr[0, :, :4]) and torch.equal(lines[1], sr[0, :, 4:])
    lines.sum().backward()
    assert sr.grad is not None and float(sr.grad[1, :, :2].abs().sum()) == 0  # band 2-4 of 8 only


def test_rapidocr_recogniser_reads_a_two_row_plate_row_by_row():
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    from plateplug.data.plate_render import render_plate

    plate = render_plate(np.random.default_rng(1), rows=2)
    rgb = torch.from_numpy(plate.image[..., ::-1].copy()).permute(2, 0, 1)[None].float() / 255
    texts = [line.text for line in plate.lines]
    bands = [(0, line.top, line.bottom) for line in plate.lines]
    loss = load_ctc_loss("rapidocr")
    right, swapped = float(loss(rgb, texts, bands)), float(loss(rgb, texts[::-1], bands))
    assert right < 1.0 and swapped > 5 * right
