"""`plateplug bench-video`: the real command (shipped unet, given boxes) timed as a process."""

import re

import pytest
from click.testing import CliRunner

import plateplug
from plateplug.cli import main

needs_unet = pytest.mark.skipif(
    not any(m.name == "unet" and m.unavailable_reason() is None
            for m in plateplug.list_models()), reason="the shipped unet weights are absent")


def bench(*args):
    return CliRunner().invoke(main, ["bench-video", *map(str, args)])


@needs_unet
@pytest.mark.slow
def test_the_command_and_a_variant_beside_the_ceiling(clip, boxes_file):
    result = bench(clip, "-m", "unet", "--boxes", boxes_file, "--rounds", "1",
                   "--variant", "--no-reuse --max-input-height full")
    assert result.exit_code == 0, result.output
    assert "160x120, 10 fps, 12 frames" in result.stderr and "round 1/1" in result.stderr
    speeds, stages = result.stdout.split("ms per frame by stage")
    rows = {m.group(1).strip(): m.groups()[1:] for m in re.finditer(
        r"^(decode \+ encode only|enhance -m unet.*?)\s+([\d.]+)\s+([\d.]+)\s+([\d.-]+)"
        r"\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", speeds, re.M)}
    assert list(rows) == ["decode + encode only", "enhance -m unet",
                          "enhance -m unet --no-reuse --max-input-height full"]
    assert float(rows["enhance -m unet"][2]) > 0  # start-up seconds
    assert float(rows["enhance -m unet"][5]) > 0  # CPU ms per frame
    row = re.search(r"^enhance -m unet +([\d.]+ +){6}(\d+) +(\d+) +(\d+)$", stages, re.M)
    assert row and int(row.group(3)) + int(row.group(4)) == 12  # enhanced + reused
    assert int(row.group(2)) == 0  # frames detected on: none, the boxes are given
    assert "enhance -m unet --no-reuse --max-input-height full: detect every 4 frames" \
        in result.stdout and "reuse off" in result.stdout


def test_errors_are_one_line(clip, boxes_file, tmp_path, monkeypatch):
    result = bench(clip, clip, "-m", "unet", "--boxes", boxes_file)
    assert result.exit_code == 2 and "--boxes and --labels need a single SOURCE" in result.output
    result = bench(clip, "-m", "unet", "--labels", boxes_file)  # no texts in it
    assert result.exit_code == 1 and "Error: " in result.stderr
    assert "not a labels file" in result.stderr
    monkeypatch.setattr(plateplug, "list_models", lambda: [])
    result = bench(clip)
    assert result.exit_code == 1 and "Error: no trained enhancer" in result.stderr
