"""SharpnessGate: one probability per crop, for crops of any size, blind to flat colour."""

from __future__ import annotations

import torch

from plateplug.train.archs.router_arch import SharpnessGate


def test_one_probability_per_crop_of_any_size() -> None:
    gate = SharpnessGate().eval()
    for h, w in ((12, 30), (16, 48), (33, 97)):
        p = gate(torch.rand(3, 3, h, w))
        assert p.shape == (3, 1) and bool(((p > 0) & (p < 1)).all())


def test_flat_crops_of_any_colour_look_the_same_to_it() -> None:
    """The gate sees the high-passed crop: detail and noise, not the plate's colour."""
    gate = SharpnessGate().eval()
    flat = torch.stack([torch.full((3, 16, 48), v) for v in (0.1, 0.5, 0.9)])
    p = gate(flat)
    assert torch.allclose(p, p[:1].expand_as(p))
