"""``plateplug read``: the plate text OCR finds before and after enhancement."""

from __future__ import annotations

from pathlib import Path

import click

import plateplug
from plateplug.data.metrics import normalise_text
from plateplug.imageio import read_image
from plateplug.images import to_bgr
from plateplug.readers import DEFAULT_READER


def _line(title: str, boxes: list[str]) -> str:
    if not boxes:
        return f"{title}: (nothing read)"
    return f"{title}: {' '.join(boxes)}  [{normalise_text(''.join(boxes))}]"


@click.command()
@click.argument("image", type=click.Path(path_type=Path))
@click.option("-m", "--model", default="resnet", show_default=True,
              help="Enhancer name (see `plateplug models`).")
@click.option("--reader", default=DEFAULT_READER, show_default=True, help="OCR reader.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
              show_default=True)
def read(image: Path, model: str, reader: str, device: str) -> None:
    """Print the plate text read from IMAGE as it is and after enhancing it with MODEL."""
    bgr, _ = to_bgr(read_image(image), str(image))
    enhancer = plateplug.load(model, device=device)
    ocr = plateplug.load_reader(reader)
    click.echo(_line("before", ocr(bgr)))
    click.echo(_line(f"after ({model})", ocr(enhancer(bgr))))
