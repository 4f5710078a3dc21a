"""Where the results of a video go: the default names, the output of ``-o``, and the checks
that no output replaces an input."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from plateplug.video.crops import INDEX_NAME
from plateplug.video.errors import OutputError
from plateplug.video.sources import is_camera, is_stream_url
from plateplug.video.writer import partial_path


def default_output(source: str) -> Path:
    """``clip.mp4`` -> ``clip.enhanced.mp4`` beside it; cameras and streams get a timestamped
    name in the current folder."""
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}.enhanced.mp4"
    if is_camera(source):
        return Path(f"camera{''.join(c for c in source if c.isdigit())}-{stamp}")
    if is_stream_url(source):
        return Path(f"stream-{stamp}")
    path = Path(source)
    return path.with_name(f"{path.stem}.enhanced.mp4")


def output_path(source: str, output: Path | None) -> Path:
    """The output video of ``source``: ``output`` when it names a file, the default name
    (``default_output``) inside it when it is a folder or a name without a suffix (created
    if missing, as for images), the default name when it is None."""
    default = default_output(source)
    if output is None:
        return default
    if output.is_dir() or not output.suffix:
        return output / default.name
    return output


def check_outputs(target: Path, crops_dir: Path | None, inputs: list[Path]) -> None:
    """Refuse, before any work, a video or crops folder that would replace an input (the
    video, the boxes file) or each other; the writers check the rest when they open."""
    taken = {path.resolve() for path in inputs}
    for path in (target, partial_path(target)):
        if path.resolve() in taken:
            raise OutputError(f"{path}: refusing to overwrite the input")
    if crops_dir is None:
        return
    if crops_dir.resolve() in (target.resolve(), partial_path(target).resolve()):
        raise OutputError(f"--crops {crops_dir} is also the output video: give the crops "
                          f"folder another name")
    if crops_dir.exists() and not crops_dir.is_dir():
        raise OutputError(f"--crops {crops_dir} is a file, not a folder")
    if (crops_dir / INDEX_NAME).resolve() in taken:
        raise OutputError(f"{crops_dir / INDEX_NAME}: refusing to overwrite the input")
