"""Turn the library's typed errors into ``Error: ...`` and a non-zero exit, never a traceback."""

from __future__ import annotations

from typing import Any

import click

from plateplug.errors import PlateplugError


class PlateplugGroup(click.Group):
    """A click group that reports PlateplugError (and OSError) as a one-line ``Error:``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (PlateplugError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
