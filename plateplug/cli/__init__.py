"""The ``plateplug`` command line: one module per command group, collected here."""

from __future__ import annotations

import click

from plateplug import __version__
from plateplug.cli.bench import bench
from plateplug.cli.bench_video import bench_video
from plateplug.cli.detect import bench_detector, detect, train_detector, train_verifier
from plateplug.cli.enhance import enhance
from plateplug.cli.errors import PlateplugGroup
from plateplug.cli.listing import models, plugins
from plateplug.cli.plates import plates
from plateplug.cli.read import read
from plateplug.cli.train import export, quantize, train, train_recognizer


@click.group(cls=PlateplugGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plateplug")
def main() -> None:
    """Restore blurry, low-resolution licence-plate images for people and OCR."""


main.add_command(enhance)
main.add_command(models)
main.add_command(plugins)
main.add_command(train_detector)
main.add_command(train_verifier)
main.add_command(detect)
main.add_command(bench_detector)
main.add_command(bench)
main.add_command(read)
main.add_command(plates)
main.add_command(bench_video)
main.add_command(train)
main.add_command(train_recognizer)
main.add_command(export)
main.add_command(quantize)
