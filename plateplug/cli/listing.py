"""``plateplug models`` and ``plateplug plugins``: what is installed and usable."""

from __future__ import annotations

from collections.abc import Sequence

import click

from plateplug import plugins as plugin_manager
from plateplug.errors import PlateplugError
from plateplug.models import enhancers


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


@click.command()
def models() -> None:
    """List the enhancers: scale, parameters, file size, trained or not, plugin."""
    rows = [("NAME", "SCALE", "PARAMS", "SIZE", "STATUS", "PLUGIN")]
    for name, reg in sorted(enhancers().items()):
        try:
            reason = reg.call("unavailable_reason")
            info = {} if reason else reg.call("info")
        except PlateplugError as exc:
            info, reason = {}, f"broken: {exc}"
        if not isinstance(info, dict):
            info, reason = {}, f"broken: info() returned {type(info).__name__}, not a dict"
        rows.append((
            name,
            f"x{info['scale']}" if "scale" in info else "-",
            f"{info['parameters']:,}" if info.get("parameters") else "-",
            _size(info["file_size"]) if "file_size" in info else "-",
            "ready" if reason is None else ("not trained" if "not trained" in reason
                                            else reason),
            reg.plugin,
        ))
    _print_table(rows)
    _collect_plugin_errors()


@click.command()
def plugins() -> None:
    """List installed plugins with their versions and hooks."""
    rows = [("PLUGIN", "DISTRIBUTION", "VERSION", "HOOKS")]
    for info in plugin_manager.installed_plugins():
        rows.append((info.name, info.distribution + (" (built-in)" if info.builtin else ""),
                     info.version, ", ".join(info.hooks)))
    _print_table(rows)
    _collect_plugin_errors()


def _print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def _collect_plugin_errors() -> None:
    """Collect every kind of plugin registration, so that each plugin problem is shown
    (once, as a ``Warning:`` line: see PlateplugGroup) even if this command did not need it."""
    plugin_manager.plugin_errors()
