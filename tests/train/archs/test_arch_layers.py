"""The fixed bicubic conv equals torch's bicubic interpolation; residual blocks keep shape."""

import pytest

torch = pytest.importorskip("torch")

from torch.nn import functional as F  # noqa: E402

from plateplug.train.archs.layers import (  # noqa: E402
    BicubicUpsample,
    ResidualBlockNoBN,
    bicubic_phase_taps,
)


@pytest.mark.parametrize("shape", [(1, 3, 20, 60), (2, 3, 13, 37), (1, 3, 5, 7), (1, 3, 1, 1)])
def test_bicubic_conv_matches_interpolate(shape):
    torch.manual_seed(0)
    x = torch.rand(*shape)
    expected = F.interpolate(x, scale_factor=4, mode="bicubic", align_corners=False)
    got = BicubicUpsample(4)(x)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=1e-5)


def test_bicubic_taps_sum_to_one_and_kernel_is_not_trainable():
    assert torch.allclose(bicubic_phase_taps(4).sum(dim=1), torch.ones(4, dtype=torch.float64))
    up = BicubicUpsample(4)
    assert list(up.parameters()) == []
    assert "kernel" not in up.state_dict()


def test_residual_block_keeps_shape():
    block = ResidualBlockNoBN(8)
    x = torch.rand(2, 8, 5, 9)
    assert block(x).shape == x.shape
