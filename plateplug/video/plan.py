"""Which videos a ``plateplug enhance`` run on many videos takes (a folder of videos, a list
file, several video files) and where each one's output goes."""

from __future__ import annotations

from pathlib import Path

from plateplug.errors import PlateplugError
from plateplug.jobs import Job, check_targets, list_files, list_images
from plateplug.video.sources import VIDEO_SUFFIXES

LIST_SUFFIXES = (".txt", ".lst")


def list_videos(folder: Path) -> list[Path]:
    """The video files below ``folder`` (by suffix), sorted."""
    return list_files(folder, VIDEO_SUFFIXES)


def read_list(path: Path) -> list[Path]:
    """The videos a list file names, one per line (relative to the list file's folder;
    blank lines and lines starting with # are skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PlateplugError(f"cannot read the list {path}: {exc}") from None
    return [path.parent / line.strip() for line in lines
            if line.strip() and not line.lstrip().startswith("#")]


def is_video_batch(inputs: tuple[str, ...], workers: int | None,
                   ray_address: str | None) -> bool:
    """True when ``inputs`` are many videos: a list file, a folder holding videos (and no
    images), several video files, or any input with --workers / --ray-address."""
    if workers is not None or ray_address is not None:
        return True
    paths = [Path(i) for i in inputs]
    if any(p.suffix.lower() in LIST_SUFFIXES and p.is_file() for p in paths):
        return True
    if any(p.is_dir() and list_videos(p) and not list_images(p) for p in paths):
        return True
    return len(paths) > 1 and all(p.suffix.lower() in VIDEO_SUFFIXES for p in paths)


def plan_videos(inputs: tuple[str, ...], output: Path | None) -> list[Job]:
    """Each input video and its output: ``<stem>.enhanced.mp4`` beside it, or in ``output``
    (a folder's videos keep their sub-folders there). Refused before any work: a missing
    input, an output replacing an input, two videos sharing an output."""
    jobs = []
    for text in inputs:
        path = Path(text)
        if not path.exists():
            raise PlateplugError(f"{path}: no such file or folder")
        if path.is_dir():
            videos = list_videos(path)
            if not videos:
                raise PlateplugError(f"{path}: folder holds no videos")
            pairs = [(v, v.relative_to(path).parent) for v in videos]
        elif path.suffix.lower() in LIST_SUFFIXES:
            pairs = [(v, Path()) for v in read_list(path)]
        else:
            pairs = [(path, Path())]
        for video, sub in pairs:
            name = f"{video.stem}.enhanced.mp4"
            jobs.append(Job(video, output / sub / name if output else video.with_name(name)))
    check_targets(jobs)
    return jobs
