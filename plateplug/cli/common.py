"""What the video commands share on the terminal: a progress display over a video's frames,
and warnings shown as one ``Warning:`` line each."""

from __future__ import annotations

import contextlib
import sys
import time
import warnings
from collections.abc import Callable, Iterator

import click

from plateplug.video.pipeline import Summary
from plateplug.video.sources import VideoSource


@contextlib.contextmanager
def frame_progress(src: VideoSource, label: str) -> Iterator[Callable[[Summary], None]]:
    """A frames/fps/plates progress bar titled ``label`` when the length of ``src`` is known,
    else a running counter; yields the function to call after each frame."""
    start = time.perf_counter()

    def status(summary: Summary) -> str:
        fps = summary.frames / max(time.perf_counter() - start, 1e-9)
        return f"{fps:.1f} fps, {summary.plates} plates"

    if src.frame_count is not None:
        with click.progressbar(length=src.frame_count, label=label, file=sys.stderr,
                               show_pos=True, item_show_func=lambda s: s) as bar:
            yield lambda summary: bar.update(1, status(summary))
        return
    shown = [0.0]

    def counter(summary: Summary) -> None:
        now = time.perf_counter()
        if now - shown[0] >= 0.5:
            shown[0] = now
            click.echo(f"\r{summary.frames} frames, {status(summary)}", err=True, nl=False)

    yield counter
    click.echo("", err=True)


@contextlib.contextmanager
def warnings_as_messages() -> Iterator[None]:
    """Show warnings raised while reading (skipped frames, dropped stream) as one line."""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = lambda message, *_: click.echo(f"\nWarning: {message}",
                                                               err=True)
        yield


def echo_err(message: str) -> None:
    """One line on standard error (the commands' ``log``)."""
    click.echo(message, err=True)


def timed_progress() -> Callable[[str], None]:
    """A progress callback printing each message on stderr after the seconds since now."""
    start = time.monotonic()

    def progress(message: str) -> None:
        click.echo(f"[{time.monotonic() - start:6.0f}s] {message}", err=True)

    return progress


def echo_skipped_and_notes(skipped: list[tuple[str, str]], notes: list[str]) -> None:
    """One stderr line per method a benchmark skipped and per note it made."""
    for name, reason in skipped:
        click.echo(f"Skipped {name}: {reason}", err=True)
    for note in notes:
        click.echo(f"Note: {note}", err=True)
