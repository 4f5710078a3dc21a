"""tools/time_recogniser.py: one line with the graph's size and the median time of a forward
and backward pass through RapidOCR's recogniser."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("rapidocr", reason="the ocr extra is not installed")

ROOT = Path(__file__).resolve().parents[2]


def test_a_line_with_the_nodes_and_the_median_time():
    done = subprocess.run([sys.executable, str(ROOT / "tools/time_recogniser.py"), "--batch", "2",
                           "--width", "64", "--rounds", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\d+ nodes, 2 x 3 x 48 x 64: \d+ ms per forward and backward pass "
                        r"\(median of 1\)\n", done.stdout)
