"""The weights' moving average: one step's arithmetic, buffers, bad decays."""

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from plateplug.train.ema import WeightAverage  # noqa: E402


def test_update_moves_the_average_by_one_minus_decay():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    average = WeightAverage(model, 0.75)
    start = model[0].weight.detach().clone()
    with torch.no_grad():
        model[0].weight.add_(4.0)
        model[1].running_mean.fill_(3.0)
    average.update(model)
    assert torch.allclose(average.model[0].weight, start + 1.0)
    assert torch.equal(average.model[1].running_mean, torch.full((2,), 3.0))
    assert not any(p.requires_grad for p in average.model.parameters())


def test_the_average_is_a_copy_and_round_trips():
    model = nn.Linear(2, 2)
    average = WeightAverage(model, 0.9)
    with torch.no_grad():
        model.weight.zero_()
    assert not torch.equal(average.model.weight, model.weight)
    other = WeightAverage(nn.Linear(2, 2), 0.9)
    other.load_state_dict(average.state_dict())
    assert torch.equal(other.model.weight, average.model.weight)


@pytest.mark.parametrize("decay", [0.0, 1.0, -0.5])
def test_decay_outside_zero_one_is_refused(decay):
    with pytest.raises(ValueError, match="outside"):
        WeightAverage(nn.Linear(1, 1), decay)
