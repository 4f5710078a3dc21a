"""The trainable models: ``TRAINABLE`` (model name -> the module holding its ``RECIPE``), the
one table that ``plateplug train`` / ``plateplug export`` and ``load_recipe`` read.

This module imports no torch, so the CLI can list the names; a recipe module (and torch) is
imported only when ``load_recipe`` asks for it. A new model: an ``archs/<name>_arch.py``, a
``recipes/<name>.py`` defining ``RECIPE`` (``base.Recipe``) and one line here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from plateplug.errors import UnknownModelError

if TYPE_CHECKING:
    from plateplug.train.recipes.base import Recipe

TRAINABLE: dict[str, str] = {
    "unet": f"{__name__}.unet",
    "resnet": f"{__name__}.resnet",
    "srgan": f"{__name__}.srgan",
    "mfsr": f"{__name__}.mfsr",
}


def load_recipe(name: str) -> Recipe:
    """The ``RECIPE`` of trainable model ``name`` (UnknownModelError for another name)."""
    if name not in TRAINABLE:
        raise UnknownModelError("model", name, list(TRAINABLE))
    recipe: Recipe = importlib.import_module(TRAINABLE[name]).RECIPE
    return recipe
