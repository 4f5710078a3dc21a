"""tools/device/train_enhancer.sh: from a stash of packed parts to a checkpoint and an ONNX
export in $OUT, as the last device call does it (here on the CPU, a few steps)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("torch")

from plateplug.models import enhancer_model  # noqa: E402
from tests.data.conftest import synthetic_dashcam, synthetic_plates  # noqa: E402, F401

ROOT = Path(__file__).resolve().parents[2]


def _probe_wheel(folder: Path) -> Path:
    """A minimal pure-Python wheel (module ``plateplug_probe``), as pip builds them."""
    path = folder / "plateplug_probe-1.0-py3-none-any.whl"
    files = {"plateplug_probe/__init__.py": "VALUE = 7\n",
             "plateplug_probe-1.0.dist-info/METADATA":
                 "Metadata-Version: 2.1\nName: plateplug-probe\nVersion: 1.0\n",
             "plateplug_probe-1.0.dist-info/WHEEL":
                 "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = [f"{name},," for name in files] + ["plateplug_probe-1.0.dist-info/RECORD,,"]
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("plateplug_probe-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


@pytest.mark.slow
def test_a_stash_trains_and_exports(tmp_path, synthetic_plates, synthetic_dashcam):  # noqa: F811
    pack, stash, out = tmp_path / "pack", tmp_path / "stash", tmp_path / "out"
    subprocess.run([sys.executable, str(ROOT / "tools/device/pack_enhancer_data.py"),
                    "--data", str(tmp_path), "--out", str(pack),
                    "--wheel", str(_probe_wheel(tmp_path))], check=True, timeout=120)
    for part in sorted(pack.iterdir()):
        subprocess.run(["cp", "-a", f"{part}/.", str(stash)], check=True)
    out.mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "OUT": str(out), "STASH": str(stash), "MODEL": "unet", "WORKERS": "0",
           "RUN": str(tmp_path / "run"), "SITE": str(tmp_path / "site"),
           "EXTRA": "--steps 3 --batch 2 --synthetic 0 --threads 1"}
    done = subprocess.run(["bash", str(ROOT / "tools/device/train_enhancer.sh")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "scenes: none" in done.stdout  # no scenes folder was packed
    assert "1 wheel(s) installed" in done.stdout  # the packed wheel, importable there
    assert (tmp_path / "site" / "plateplug_probe" / "__init__.py").read_text() == "VALUE = 7\n"
    assert "done: step 3" in (out / "log.txt").read_text()
    enhancer = enhancer_model(str(out / "unet.onnx")).load(device="cpu")
    assert enhancer.scale == 4 and (out / "last.pt").is_file()


def test_an_empty_stash_is_a_clear_error(tmp_path):
    env = {**os.environ, "OUT": str(tmp_path), "STASH": str(tmp_path / "none"), "MODEL": "unet"}
    done = subprocess.run(["bash", str(ROOT / "tools/device/train_enhancer.sh")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout.startswith("Error:")


def test_packing_refuses_what_is_not_a_wheel(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "tools/device/pack_enhancer_data.py"),
                           "--data", str(tmp_path), "--out", str(tmp_path / "pack"),
                           "--wheel", str(tmp_path / "fonts.zip")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a wheel file" in done.stderr
