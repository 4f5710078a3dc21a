"""Import optional dependencies with a one-line hint naming the extra that installs them."""

from __future__ import annotations

import importlib
from types import ModuleType

from plateplug.errors import MissingExtraError


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` or raise MissingExtraError saying ``pip install 'plateplug[extra]'``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{module} is not installed: install plateplug[{extra}] "
            f"(pip install 'plateplug[{extra}]')"
        ) from exc
