"""``--adversarial-weight``: the GAN term's weight in srgan's objective."""

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from plateplug.train.recipes import srgan  # noqa: E402


def test_the_option_replaces_the_default_weight(teacher):
    default = srgan.make_objective({"recognizer": "rapidocr"}, torch.device("cpu"))
    light = srgan.make_objective({"recognizer": "rapidocr", "adversarial_weight": 3e-4},
                                 torch.device("cpu"))
    assert default.adversarial_weight == srgan.ADVERSARIAL_WEIGHT == 1e-3
    assert light.adversarial_weight == 3e-4


@pytest.mark.parametrize("weight", [0.0, 3e-4, 1e-2])
def test_the_generator_loss_weights_the_gan_term_by_it(teacher, weight):
    torch.manual_seed(2)
    sr, hr = torch.rand(2, 3, 32, 96), torch.rand(2, 3, 32, 96)
    objective = srgan.make_objective(
        {"recognizer": "rapidocr", "adversarial_weight": weight}, torch.device("cpu"))
    disc = nn.Sequential(nn.Conv2d(3, 1, 3, padding=1))
    loss, parts = objective.generator_loss(sr, hr, disc)
    assert parts["adversarial"] > 0
    expected = (srgan.PIXEL_WEIGHT * parts["l1"]
                + objective.feature_loss.weight * parts["feature"]
                + weight * parts["adversarial"])
    assert float(loss) == pytest.approx(expected, rel=1e-5)
