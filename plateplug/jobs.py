"""Map input images (files and folders) to output paths that never overwrite an input and
never collide with each other: the one planner behind ``enhance`` and ``detect``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from plateplug.errors import PlateplugError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")


@dataclass(frozen=True)
class Job:
    """One image to process and where its result goes."""

    source: Path
    target: Path


def list_files(folder: Path, suffixes: Collection[str]) -> list[Path]:
    """The regular files below ``folder`` whose suffix (lower case) is one of ``suffixes``,
    sorted; FIFOs and folders named like such files are left out."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in suffixes and p.is_file())


def list_images(folder: Path) -> list[Path]:
    """The regular image files below ``folder`` (by suffix), sorted."""
    return list_files(folder, IMAGE_SUFFIXES)


def plan_jobs(inputs: tuple[Path, ...], output: Path | None, tag: str,
              suffix: str | None = None) -> list[Job]:
    """Map every input image to its output path.

    ``tag`` names the results (``enhanced``, ``boxes``); ``suffix`` is the output format
    (``None``: the input's own). Without ``output``: ``photo.jpg`` -> ``photo.<tag><suffix>``
    beside it, folder ``dir`` -> ``dir.<tag>/`` with the same sub-folders. With ``output`` a
    file name (one input file): that file. With ``output`` a folder: files go inside it
    (``<stem><suffix>`` for ``enhanced``, ``<stem>.<tag><suffix>`` otherwise), folders as
    ``output/<folder name>/``. Raises :class:`PlateplugError` before any work when an output
    would replace an input or two inputs would share an output.
    """
    single_file_target = (
        output is not None and len(inputs) == 1 and inputs[0].is_file()
        and output.suffix.lower() in IMAGE_SUFFIXES
    )
    in_folder = "{stem}{suffix}" if tag == "enhanced" else "{stem}.{tag}{suffix}"

    def name(path: Path, pattern: str) -> str:
        return pattern.format(stem=path.stem, tag=tag, suffix=suffix or path.suffix)

    jobs = []
    for source in inputs:
        if not source.exists():
            raise PlateplugError(f"{source}: no such file or folder")
        if source.is_dir():
            root = (output / source.name) if output else source.with_name(f"{source.name}.{tag}")
            images = list_images(source)
            if not images:
                raise PlateplugError(f"{source}: folder holds no images")
            jobs += [Job(p, (root / p.relative_to(source)).with_name(name(p, in_folder)))
                     for p in images]
        elif single_file_target:
            assert output is not None
            jobs.append(Job(source, output))
        elif output:
            jobs.append(Job(source, output / name(source, in_folder)))
        else:
            jobs.append(Job(source, source.with_name(name(source, "{stem}.{tag}{suffix}"))))
    check_targets(jobs)
    return jobs


def check_targets(jobs: list[Job]) -> None:
    """Refuse a plan in which an output replaces an input or two inputs share an output."""
    sources = {j.source.resolve() for j in jobs}
    by_target: dict[Path, list[Path]] = defaultdict(list)
    for job in jobs:
        target = job.target.resolve()
        if target in sources:
            raise PlateplugError(f"{job.target}: refusing to overwrite an input")
        by_target[target].append(job.source)
    for target, sources_of in by_target.items():
        if len(sources_of) > 1:
            names = ", ".join(map(str, sources_of))
            raise PlateplugError(f"{target}: {len(sources_of)} inputs would be written here "
                                 f"({names}); process them in separate runs or give their "
                                 f"folders instead")
