"""``--text-weight``: the text loss's weight in the pixel + text objective."""

import pytest

torch = pytest.importorskip("torch")

from plateplug.train.ocr_teacher import OcrDistillationLoss  # noqa: E402
from plateplug.train.recipes import srgan  # noqa: E402


def test_the_text_weight_option_replaces_the_losses_default(teacher):
    default = srgan.make_objective({"recognizer": "rapidocr"}, torch.device("cpu"))
    heavy = srgan.make_objective({"recognizer": "rapidocr", "text_weight": 0.01},
                                 torch.device("cpu"))
    assert default.feature_loss.weight == OcrDistillationLoss.weight
    assert heavy.feature_loss.weight == 0.01
    assert OcrDistillationLoss.weight == 1e-3  # the class default is left alone


def test_the_generator_loss_grows_with_the_text_weight(teacher):
    torch.manual_seed(1)
    sr, hr = torch.rand(2, 3, 32, 96), torch.rand(2, 3, 32, 96)
    losses = {}
    for weight in (1e-3, 1e-2):
        objective = srgan.pixel_or_text_objective(
            {"recognizer": "rapidocr", "text_loss": True, "text_weight": weight},
            torch.device("cpu"))
        loss, parts = objective.generator_loss(sr, hr, None)
        assert float(loss) == pytest.approx(
            srgan.PIXEL_WEIGHT * parts["l1"] + weight * parts["feature"], rel=1e-5)
        losses[weight] = float(loss)
    assert losses[1e-2] > losses[1e-3]
