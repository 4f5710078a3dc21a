"""The example third-party package in examples/ is discovered through its entry point."""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import plateplug
from plateplug.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plateplug-sharpen"


def test_example_plugin_is_listed_and_loadable(install_distribution, monkeypatch):
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11+")
    entry_points = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"][
        "entry-points"]["plateplug"]
    monkeypatch.syspath_prepend(str(EXAMPLE))
    install_distribution("plateplug-sharpen", entry_points, {})

    listing = CliRunner().invoke(main, ["models"])
    assert listing.exit_code == 0, listing.output
    row = next(line for line in listing.output.splitlines() if line.startswith("lanczos"))
    assert row.split()[1:3] == ["x4", "-"] and row.split()[-1] == "sharpen"

    plugins_listing = CliRunner().invoke(main, ["plugins"])
    assert "plateplug-sharpen" in plugins_listing.output

    enhancer = plateplug.load("lanczos-sharpen")
    crop = np.random.default_rng(0).integers(0, 256, (20, 60, 3), dtype=np.uint8)
    out = enhancer(crop)
    assert out.shape == (80, 240, 3) and out.dtype == np.uint8
