"""``plateplug read``: the plate text OCR finds before and after enhancement."""

from __future__ import annotations

from pathlib import Path

import click

import plateplug
from plateplug.cli.options import device_option, reader_option
from plateplug.data.metrics import normalise_text
from plateplug.imageio import read_image
from plateplug.images import to_bgr


def _line(title: str, boxes: list[str]) -> str:
    if not boxes:
        return f"{title}: (nothing read)"
    return f"{title}: {' '.join(boxes)}  [{normalise_text(''.join(boxes))}]"


@click.command()
@click.argument("image", type=click.Path(path_type=Path))
@click.option("-m", "--model", default="resnet", show_default=True,
              help="Enhancer name (see `plateplug models`).")
@reader_option()
@device_option
def read(image: Path, model: str, reader: str, device: str) -> None:
    """Print the plate text read from IMAGE as it is and after enhancing it with MODEL."""
    bgr, _ = to_bgr(read_image(image), str(image))
    enhancer = plateplug.load(model, device=device)
    ocr = plateplug.load_reader(reader)
    click.echo(_line("before", ocr(bgr)))
    click.echo(_line(f"after ({model})", ocr(enhancer(bgr))))
