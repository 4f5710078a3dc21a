"""`plateplug bench-video` with the fake enhancer and detector (no real model)."""

import re

from click.testing import CliRunner

import plateplug
from plateplug.cli import main


def bench(*args):
    return CliRunner().invoke(main, ["bench-video", *map(str, args)])


def rows(output):
    """Stage label -> (fps, fraction of the ceiling)."""
    found = {}
    for line in output.splitlines()[1:]:
        label, fps, _, ratio = re.fullmatch(r"(.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)",
                                            line).groups()
        found[label] = (float(fps), float(ratio))
    return found


def test_synthetic_clip_with_detector(fake_plugins):
    result = bench("-m", "fake", "--detector", "bright", "--frames", "4")
    assert result.exit_code == 0, result.output
    assert "1280x720" in result.stderr
    table = rows(result.stdout)
    assert list(table) == ["I/O ceiling (decode + encode)", "detection only (bright)",
                           "fake end to end (boxes, python)"]
    assert table["I/O ceiling (decode + encode)"][1] == 1.0
    assert all(fps > 0 for fps, _ in table.values())


def test_own_clip_with_boxes_and_no_detector(fake_plugins, clip, boxes_file):
    result = bench(clip, "--boxes", boxes_file, "-m", "fake", "--detector", "nope",
                   "--layout", "side-by-side")
    assert result.exit_code == 0, result.output
    assert "detection only: skipped (unknown detector 'nope'" in result.stderr
    assert list(rows(result.stdout)) == ["I/O ceiling (decode + encode)",
                                         "fake end to end (boxes, python)"]


def test_detector_drives_end_to_end_without_boxes(fake_plugins, clip):
    result = bench(clip, "-m", "fake", "--detector", "bright")
    assert result.exit_code == 0, result.output
    assert "fake end to end (detector, python)" in rows(result.stdout)


def test_detect_every_adds_a_row_per_cadence(fake_plugins, clip):
    result = bench(clip, "-m", "fake", "--detector", "bright", "--detect-every", "1",
                   "--detect-every", "3")
    assert result.exit_code == 0, result.output
    assert list(rows(result.stdout))[-2:] == [
        "fake end to end (detector, python)",
        "fake end to end (detector every 3 frames, python)"]


def test_errors_are_one_line(fake_plugins, clip, monkeypatch):
    result = bench(clip, "-m", "fake", "--detector", "nope")
    assert result.exit_code == 1 and "Error: unknown detector 'nope'" in result.stderr
    result = bench(clip, "-m", "missing", "--detector", "bright")
    assert result.exit_code == 1 and "Error: unknown enhancer 'missing'" in result.stderr
    monkeypatch.setattr(plateplug, "list_models", lambda: [])
    result = bench(clip)
    assert result.exit_code == 1 and "Error: no trained enhancer" in result.stderr


def test_rounds_take_turns_and_report_one_row_per_stage(fake_plugins, clip):
    result = bench(clip, "-m", "fake", "--detector", "bright", "--rounds", "2")
    assert result.exit_code == 0, result.output
    assert "round 1/2" in result.stderr and "round 2/2" in result.stderr
    assert len(rows(result.stdout)) == 3
