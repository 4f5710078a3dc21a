"""The options several commands share, declared once as click decorators: ``--device``,
``--threads``, ``--max-pixels``, ``--detector``, ``--reader`` and ``--data``; and the
``auto``-or-a-number option type of the video options."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from plateplug.imageio import DEFAULT_MAX_PIXELS
from plateplug.readers import DEFAULT_READER
from plateplug.runtime import DEVICES
from plateplug.video.working import AUTO

F = TypeVar("F", bound=Callable[..., Any])

DATA_ENV = "PLATEPLUG_DATA"  # the data folder (plates/, dashcam/) when --data is not given

device_option = click.option(
    "--device", type=click.Choice(DEVICES), default="auto", show_default=True,
    help="Where inference runs: auto (CUDA when it really loads, else CPU), cpu or cuda.")

max_pixels_option = click.option(
    "--max-pixels", type=click.IntRange(min=1), default=DEFAULT_MAX_PIXELS, show_default=True,
    help="Refuse images of more pixels (width x height) than this, before decoding them.")


def threads_option(help: str = "CPU threads for inference.",
                   default: int | None = None) -> Callable[[F], F]:
    """``--threads N`` (N >= 1; ``default`` None: the library's choice)."""
    return click.option("--threads", type=click.IntRange(min=1), default=default,
                        show_default=default is not None, help=help)


def detector_option(help: str = "Plate detector (default: the trained one).",
                    multiple: bool = False) -> Callable[[F], F]:
    """``--detector NAME``, passed as ``detector_name`` (``detector_names``, a tuple, when
    repeatable)."""
    return click.option("--detector", "detector_names" if multiple else "detector_name",
                        multiple=multiple, help=help)


def reader_option(help: str = "OCR reader.", default: str = DEFAULT_READER) -> Callable[[F], F]:
    """``--reader NAME`` (default: the built-in plate reader)."""
    return click.option("--reader", default=default, show_default=True, help=help)


def data_option(help: str, *, required: bool = True, multiple: bool = False,
                from_env: bool = False, **kwargs: Any) -> Callable[[F], F]:
    """``--data``: never a default path. With ``from_env`` (commands that take the data
    folder holding ``plates/`` and ``dashcam/``) it defaults to ``$PLATEPLUG_DATA`` when that
    is set; ``required`` then means given or set. Other keyword arguments go to
    ``click.option`` (e.g. ``type``)."""
    if from_env:
        help = f"{help} [default: ${DATA_ENV} when set]"
    return click.option("--data", "data", required=required, multiple=multiple,
                        envvar=DATA_ENV if from_env else None, help=help, **kwargs)


class AutoOr(click.ParamType):
    """An integer >= 1, or one of ``words`` (kept as the word)."""

    def __init__(self, *words: str):
        self.words = words
        self.name = "|".join((*words, "N"))

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | str:
        if isinstance(value, int) or value in self.words:
            return value
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            self.fail(f"{value!r} is neither {' nor '.join(self.words)} nor a whole number "
                      f">= 1", param, ctx)
        return number


class Channels(click.ParamType):
    """Comma-separated channel counts, each 1..1024, e.g. ``16,32,48,64``."""

    name = "N,N,..."

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, ...]:
        try:
            widths = tuple(int(part) for part in str(value).split(","))
        except ValueError:
            widths = ()
        if not widths or not all(1 <= w <= 1024 for w in widths):
            self.fail(f"{value!r} is not a comma-separated list of channel counts 1..1024",
                      param, ctx)
        return widths


def auto_or_number(value: int | str) -> int | None:
    """None for "auto" (chosen for the source), else the number."""
    return None if value == AUTO else int(value)
