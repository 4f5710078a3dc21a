"""Split a folder into parts of at most N MiB of files, unchanged, for a device machine that
takes 64 MiB per call: each call carries one part and copies it into /tmp/stash there
(``cp -a PART/. /tmp/stash/``), where the parts add up to ``/tmp/stash/NAME``.

    python tools/device/split_into_parts.py ../shared/data/plates --name data/plates \
        --out .devdata/plates          # then .devdata/plates/part0, part1, ...
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path


def split(source: Path, out: Path, name: str, part_mb: float) -> list[Path]:
    """Copy the files under ``source`` into ``out/partK/name``, at most ``part_mb`` MiB of
    them per part (a larger file gets a part of its own); returns the parts."""
    limit, part, size = part_mb * 2**20, 0, 0
    parts = [out / "part0"]
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        length = path.stat().st_size
        if size and size + length > limit:
            part, size = part + 1, 0
            parts.append(out / f"part{part}")
        target = parts[-1] / name / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        size += length
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--name", required=True, help="Path of the folder under /tmp/stash.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--part-mb", type=float, default=44.0)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    parts = split(args.source, args.out, args.name, args.part_mb)
    print(f"{args.out}: {len(parts)} parts")


if __name__ == "__main__":
    main()
