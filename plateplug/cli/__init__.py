"""The ``plateplug`` command line: one module per command group, collected here. A command's
module is imported only when that command runs (or help lists it), so that starting
``plateplug enhance`` does not pay for the benchmark and training modules."""

from __future__ import annotations

import importlib

import click

from plateplug import __version__
from plateplug.cli.errors import PlateplugGroup

COMMANDS = {  # name -> "module:function"
    "enhance": "plateplug.cli.enhance:enhance",
    "models": "plateplug.cli.listing:models",
    "plugins": "plateplug.cli.listing:plugins",
    "train-detector": "plateplug.cli.detect:train_detector",
    "train-verifier": "plateplug.cli.detect:train_verifier",
    "detect": "plateplug.cli.detect:detect",
    "bench-detector": "plateplug.cli.detect:bench_detector",
    "bench": "plateplug.cli.bench:bench",
    "read": "plateplug.cli.read:read",
    "plates": "plateplug.cli.plates:plates",
    "bench-video": "plateplug.cli.bench_video:bench_video",
    "train": "plateplug.cli.train:train",
    "train-recognizer": "plateplug.cli.train:train_recognizer",
    "train-router": "plateplug.cli.train:train_router",
    "export": "plateplug.cli.train:export",
    "quantize": "plateplug.cli.train:quantize",
}


class LazyGroup(PlateplugGroup):
    """The commands of ``COMMANDS``, each imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, name = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    @property
    def all_commands(self) -> dict[str, click.Command]:
        """Every command, imported (for tools and tests that look at their options)."""
        ctx = click.Context(self)
        return {name: command for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None}


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plateplug")
def main() -> None:
    """Restore blurry, low-resolution licence-plate images for people and OCR."""
