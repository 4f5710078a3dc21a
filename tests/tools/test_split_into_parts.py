"""tools/device/split_into_parts.py: parts under the size limit that add up to the folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_parts_add_up_to_the_folder(tmp_path):
    source = tmp_path / "plates"
    files = {f"br/{i}.png": bytes([i]) * (30_000 + i) for i in range(5)}
    files["labels.csv"] = b"path,text\n"
    for name, blob in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(blob)
    out = tmp_path / "parts"
    done = subprocess.run([sys.executable, str(ROOT / "tools/device/split_into_parts.py"),
                           str(source), "--name", "data/plates", "--out", str(out),
                           "--part-mb", "0.06"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    parts = sorted(out.iterdir())
    assert len(parts) == 3  # 0.06 MiB holds two of the 30 kB files
    for part in parts:
        assert sum(p.stat().st_size for p in part.rglob("*") if p.is_file()) <= 0.06 * 2**20
    stash = tmp_path / "stash"
    for part in parts:
        subprocess.run(["cp", "-a", f"{part}/.", str(stash)], check=True)
    for name, blob in files.items():
        assert (stash / "data/plates" / name).read_bytes() == blob
