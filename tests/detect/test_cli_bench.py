"""``plateplug bench-detector``: sets, per-source rows, height bands, anchors, speed."""

from __future__ import annotations

import json
import re

import cv2
import pytest
from click.testing import CliRunner

from plateplug.cli import main
from tests.detect.tiny_detectors import build_yolo

PLATE = "40,30,80,42"  # the bright plate of plate_frame (12 px high)


@pytest.fixture
def bench_data(tmp_path, plate_frame):
    """dashcam/ with two valid frames (one bright plate each) and plates/eu2/ crops."""
    root = tmp_path / "data"
    (root / "dashcam").mkdir(parents=True)
    (root / "plates" / "eu2").mkdir(parents=True)
    rows = ["image,split,xmin,ymin,xmax,ymax"]
    for i in range(2):
        cv2.imwrite(str(root / "dashcam" / f"f{i}.png"), plate_frame)
        rows.append(f"f{i}.png,valid,{PLATE}")
    (root / "dashcam" / "boxes.csv").write_text("\n".join(rows) + "\n")
    cv2.imwrite(str(root / "plates" / "eu2" / "p.png"), plate_frame[30:42, 40:80])
    return root


@pytest.fixture
def scenes(tmp_path, plate_frame):
    """A scenes folder: valid photos a (openimages, one plate), b (andrewmvd, two plates, one
    of them not bright) and c (openimages, train split: never measured)."""
    root = tmp_path / "scenes"
    (root / "images").mkdir(parents=True)
    for name in "abc":
        cv2.imwrite(str(root / "images" / f"{name}.png"), plate_frame)
    rows = ["image,split,source,xmin,ymin,xmax,ymax",
            f"images/a.png,valid,openimages,{PLATE}",
            f"images/b.png,valid,andrewmvd,{PLATE}",
            "images/b.png,valid,andrewmvd,0,50,40,90",
            f"images/c.png,train,openimages,{PLATE}"]
    (root / "boxes.csv").write_text("\n".join(rows) + "\n")
    return root


def bench(*args: str):
    return CliRunner().invoke(main, ["bench-detector", "--repeats", "2", *args])


def json_rows(result) -> dict[tuple[str, str], dict]:
    assert result.exit_code == 0, result.output
    return {(r["detector"], r["set"]): r for r in map(json.loads, result.stdout.splitlines())}


def test_default_sets_are_scenes_and_dashcam_with_rows_per_image_source(
        bright_plugin, bench_data, scenes):
    rows = json_rows(bench("--data", str(bench_data), "--scenes", str(scenes), "--detector",
                           "bright", "--json"))
    assert set(rows) == {("bright", "scenes"), ("bright", "dashcam")}
    row = rows["bright", "scenes"]
    assert (row["frames"], row["plates"], row["detections"]) == (2, 3, 4)
    assert (row["recall"], row["precision"]) == (0.6667, 0.5)
    assert row["recall_by_height"] == {"<16 px": 1.0, "32-64 px": 0.0}
    assert row["boxes_per_image"] == 2.0
    assert (row["one_plate_images"], row["boxes_per_one_plate_image"]) == (1, 2.0)
    by_source = row["by_image_source"]
    assert set(by_source) == {"andrewmvd", "openimages"}
    assert (by_source["openimages"]["recall"], by_source["openimages"]["precision"]) == (1, 0.5)
    assert (by_source["andrewmvd"]["recall"], by_source["andrewmvd"]["plates"]) == (0.5, 2)
    assert by_source["andrewmvd"]["boxes_per_one_plate_image"] is None
    assert row["ms_per_frame"] > 0
    dashcam = rows["bright", "dashcam"]
    assert (dashcam["frames"], dashcam["plates"], dashcam["recall"]) == (2, 2, 1.0)
    assert set(dashcam["by_image_source"]) == {"dashcam"}


def test_text_table_has_a_row_per_source_and_height_bands(bright_plugin, bench_data, scenes):
    result = bench("--data", str(bench_data), "--scenes", str(scenes), "--detector", "bright")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("scenes: 2 images, 3 plates")
    assert "R <16 px" in lines[1] and "ms/frame" in lines[1]
    assert lines[2].split()[:8] == ["bright", "all", "2", "3", "4", "0.667", "0.500", "2.00"]
    assert "1.000 (2/2)" in lines[2] and "0.000 (0/1)" in lines[2]
    assert lines[3].split()[:6] == ["andrewmvd", "1", "2", "2", "0.500", "0.500"]
    assert lines[4].split()[:6] == ["openimages", "1", "1", "2", "1.000", "0.500"]


def test_synthetic_set_on_request_reports_plate_sources(bright_plugin, bench_data, scenes):
    result = bench("--data", str(bench_data), "--scenes", str(scenes), "--detector", "bright",
                   "--set", "synthetic")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("synthetic: 2 images")
    assert re.search(r"recall by plate source: dashcam \d/2 = [\d.]+  eu2 \d/3", result.stdout)
    rows = json_rows(bench("--data", str(bench_data), "--detector", "bright", "--set",
                           "synthetic", "--json"))
    assert set(rows) == {("bright", "synthetic")}
    assert set(rows["bright", "synthetic"]["recall_by_source"]) <= {"dashcam", "eu2"}


def test_boxes_on_plates_the_labels_miss_are_left_out_on_request(bright_plugin, bench_data,
                                                                 scenes, tmp_path):
    missed = tmp_path / "missed.csv"
    missed.write_text("image,x1,y1,x2,y2\nimages/a.png,0,0,128,72\nf0.png,0,0,128,72\n")
    args = ("--data", str(bench_data), "--scenes", str(scenes), "--detector", "bright")
    rows = json_rows(bench(*args, "--unlabelled", str(missed), "--json"))
    scenes_row, dashcam = rows["bright", "scenes"], rows["bright", "dashcam"]
    assert (scenes_row["on_unlabelled"], scenes_row["precision"]) == (1, 0.5)
    assert scenes_row["precision_unlabelled_left_out"] == 0.6667
    by_source = scenes_row["by_image_source"]
    assert by_source["openimages"]["precision_unlabelled_left_out"] == 1.0
    assert by_source["andrewmvd"]["on_unlabelled"] == 0
    assert (dashcam["on_unlabelled"], dashcam["precision_unlabelled_left_out"]) == (1, 0.6667)
    text = bench(*args, "--unlabelled", str(missed)).stdout
    assert ("boxes on plates the labels miss, left out: all 1 (precision 0.667)  andrewmvd 0 "
            "(precision 0.500)  openimages 1 (precision 1.000)") in text
    assert "labels miss" not in bench(*args).stdout
    missed.write_text("image,x1\na.png,0\n")
    result = bench(*args, "--unlabelled", str(missed))
    assert result.exit_code != 0 and "Error: " in result.output
    assert "not a CSV of image,x1,y1,x2,y2 rows" in result.output
    assert "Traceback" not in result.output


def test_missing_scenes_are_skipped_with_a_line(bright_plugin, bench_data, tmp_path):
    result = bench("--data", str(bench_data), "--scenes", str(tmp_path / "none"),
                   "--detector", "bright", "--json")
    assert "set scenes: skipped (no " in result.stderr and "get.sh" in result.stderr
    assert set(json_rows(result)) == {("bright", "dashcam")}


def test_anchors_run_beside_on_the_same_images(bright_plugin, bench_data, scenes, tmp_path):
    tiny = build_yolo(tmp_path / "tiny.onnx")
    rows = json_rows(bench("--data", str(bench_data), "--scenes", str(scenes), "--detector",
                           "bright", "--detector", f"yolo:{tiny}", "--anchor",
                           f"tiny={tiny}", "--json"))
    assert set(rows) == {(d, s) for d in ("bright", f"yolo:{tiny}", "tiny")
                         for s in ("scenes", "dashcam")}
    for set_name in ("scenes", "dashcam"):
        anchor, plugin = rows["tiny", set_name], rows[f"yolo:{tiny}", set_name]
        assert anchor["frames"] == rows["bright", set_name]["frames"]
        assert anchor["detections"] == plugin["detections"] > 0
        assert anchor["recall"] == plugin["recall"]


def test_default_detectors_skip_those_that_cannot_load(bright_plugin, bench_data, tmp_path):
    result = bench("--data", str(bench_data), "--scenes", str(tmp_path / "none"), "--set",
                   "dashcam", "--json")
    assert "yolo: skipped (needs a model file" in result.stderr
    assert ("bright", "dashcam") in json_rows(result)


@pytest.mark.parametrize("args, message", [
    (["--anchor", "tiny"], "is not NAME=PATH"),
    (["--anchor", "bright=x.onnx"], "used twice"),
    (["--anchor", "a={empty}/none.onnx"], "does not exist"),
    (["--set", "dashcam", "--detector", "yolo:"], "empty model path"),
])
def test_bad_options_are_one_line_errors(bright_plugin, bench_data, tmp_path, args, message):
    empty = tmp_path / "empty"
    empty.mkdir()
    args = [a.format(empty=empty) for a in args]
    result = bench("--data", str(bench_data), "--scenes", str(empty), "--detector", "bright",
                   *args)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


def test_no_set_found_is_an_error(bright_plugin, tmp_path):
    result = bench("--data", str(tmp_path), "--scenes", str(tmp_path), "--detector", "bright")
    assert result.exit_code != 0
    assert "no evaluation set found" in result.output and "set dashcam: skipped" in result.output


def test_without_data_the_data_sets_are_skipped(bright_plugin, scenes, monkeypatch):
    monkeypatch.delenv("PLATEPLUG_DATA", raising=False)
    result = bench("--scenes", str(scenes), "--detector", "bright", "--json")
    assert ("set dashcam: skipped (no data folder (pass --data DIR or set PLATEPLUG_DATA))"
            in result.stderr)
    assert set(json_rows(result)) == {("bright", "scenes")}


def test_the_data_folder_may_come_from_the_environment(bright_plugin, bench_data, scenes,
                                                       monkeypatch):
    monkeypatch.setenv("PLATEPLUG_DATA", str(bench_data))
    rows = json_rows(bench("--scenes", str(scenes), "--detector", "bright", "--json"))
    assert set(rows) == {("bright", "scenes"), ("bright", "dashcam")}
