"""Turn the library's typed errors into ``Error: ...`` and a non-zero exit, never a traceback,
and its warnings into one ``Warning: ...`` line each."""

from __future__ import annotations

import warnings
from typing import Any

import click

from plateplug.errors import PlateplugError


class PlateplugGroup(click.Group):
    """A click group that reports PlateplugError (and OSError) as a one-line ``Error:`` and
    each warning (e.g. a plugin skipped) as a one-line ``Warning:`` on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            try:
                return super().invoke(ctx)
            except (PlateplugError, OSError) as exc:
                raise click.ClickException(str(exc)) from exc


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: Any = None, line: str | None = None) -> None:
    click.echo(f"Warning: {message}", err=True)
