"""The CRNN recogniser trains with CTC and serves as a frozen, text-aware feature loss."""

import pytest

torch = pytest.importorskip("torch")

from plateplug.errors import PlateplugError  # noqa: E402
from plateplug.train import checkpoint  # noqa: E402
from plateplug.train.archs.recognizer_arch import ALPHABET, PlateCRNN, greedy_decode  # noqa: E402
from plateplug.train.recognizer import (  # noqa: E402
    RecognizerConfig,
    TextFeatureLoss,
    load_feature_network,
    train_recognizer,
)


def test_crnn_shapes_and_decoding():
    model = PlateCRNN().eval()
    logits = model(torch.rand(2, 3, 32, 128))
    assert logits.shape == (2, 32, len(ALPHABET) + 1)
    fake = torch.full((1, 6, len(ALPHABET) + 1), -10.0)
    for t, k in enumerate([1, 1, 0, 2, 0, 2]):  # "0", "0"(repeat), blank, "1", blank, "1"
        fake[0, t, k] = 10.0
    assert greedy_decode(fake) == ["011"]


def test_train_and_use_as_feature_loss(synthetic_plates, tmp_path):
    path = train_recognizer(RecognizerConfig(data=[str(synthetic_plates)], out=str(tmp_path),
                                             steps=3, batch=4, threads=1))
    assert checkpoint.load(path)["model_name"] == "recognizer"
    network = load_feature_network(path)
    assert not any(p.requires_grad for p in network.parameters())
    loss = TextFeatureLoss(network)
    hr = torch.rand(2, 3, 64, 160)
    assert float(loss(hr, hr)) == pytest.approx(0.0, abs=1e-6)
    sr = (hr + 0.1 * torch.randn_like(hr)).requires_grad_(True)
    value = loss(sr, hr)
    value.backward()
    assert float(value.detach()) > 0 and sr.grad is not None and sr.grad.abs().sum() > 0


def test_loading_a_non_recognizer_checkpoint_fails(tmp_path):
    path = tmp_path / "x.pt"
    checkpoint.save(path, {"model_name": "unet", "model": {}})
    with pytest.raises(PlateplugError):
        load_feature_network(path)
