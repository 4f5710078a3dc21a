"""tools/device/train_detector.sh: from a stash of packed parts to a checkpoint and an ONNX
export in $OUT, starting from the shipped detector in its own widths, as the last device call
does it (here on the CPU, a few seconds)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from plateplug.detect.metadata import DetectorMetadata  # noqa: E402
from plateplug.runtime import read_metadata  # noqa: E402
from tests.tools.test_pack_detector_data import SHIPPED, write_training_data  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_stash_trains_from_the_shipped_detector_and_exports(tmp_path):
    data, scenes = write_training_data(tmp_path)
    pack = tmp_path / "pack"
    subprocess.run([sys.executable, str(ROOT / "tools/device/pack_detector_data.py"),
                    "--data", str(data), "--scenes", str(scenes), "--detector", str(SHIPPED),
                    "--out", str(pack)], check=True, capture_output=True, timeout=300)
    stash, out = tmp_path / "stash", tmp_path / "out"
    for part in sorted(pack.iterdir()):
        subprocess.run(["cp", "-a", f"{part}/.", str(stash)], check=True)
    out.mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "OUT": str(out), "STASH": str(stash), "RUN": str(tmp_path / "run"),
           "WORKERS": "0", "MINUTES": "0.05", "EXTRA": "--batch 2 --crop 64 --threads 1"}
    done = subprocess.run(["bash", str(ROOT / "tools/device/train_detector.sh")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 scenes frames" in done.stdout
    assert (out / "detector.pt").is_file()
    shipped = read_metadata(SHIPPED, DetectorMetadata).architecture
    trained = read_metadata(out / "plate_detector.onnx", DetectorMetadata).architecture
    assert trained == shipped  # the shipped file's widths, stride-4 path included


def test_an_empty_stash_is_a_clear_error(tmp_path):
    env = {**os.environ, "OUT": str(tmp_path), "STASH": str(tmp_path / "none")}
    done = subprocess.run(["bash", str(ROOT / "tools/device/train_detector.sh")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout.startswith("Error:")
