"""The table of trainable models: every entry loads a recipe of that name whose network is
x4; another name is an UnknownModelError."""

import pytest

torch = pytest.importorskip("torch")

from plateplug.data.protocol import SCALE  # noqa: E402
from plateplug.errors import UnknownModelError  # noqa: E402
from plateplug.train.archs.mfsr_arch import input_channels  # noqa: E402
from plateplug.train.recipes import TRAINABLE, load_recipe  # noqa: E402


@pytest.mark.parametrize("name", list(TRAINABLE))
def test_every_trainable_model_has_a_recipe_of_its_name_that_builds_an_x4_network(name):
    recipe = load_recipe(name)
    assert recipe.name == name
    model = recipe.model().eval()
    with torch.no_grad():
        channels = input_channels(recipe.frames, recipe.arch.get("grid", 0))
        out = model(torch.rand(1, channels, 12, 20))
    assert out.shape == (1, 3, 12 * SCALE, 20 * SCALE)


def test_an_unknown_model_lists_the_trainable_ones():
    with pytest.raises(UnknownModelError, match="unknown model 'nope'; known: mfsr, resnet"):
        load_recipe("nope")
