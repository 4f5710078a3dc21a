"""Per-source rows of a bench run, the scenes source (agreement with HR) and worst sources."""

import csv
import json

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from plateplug.bench.environment import environment
from plateplug.bench.report import write_report
from plateplug.bench.results import HR, BenchResult, Method, Row
from plateplug.bench.runner import BenchConfig, _fill_gaps, _load_crops, run_bench
from plateplug.cli import main
from plateplug.errors import PlateplugError
from plateplug.readers import ReaderModel, ScoredText
from tests.bench.conftest import CubicModel, text_crop
from tests.conftest import register_in_code


@pytest.fixture
def scenes_dir(tmp_path):
    """Two photos: a valid one with a 60 px plate and a 30 px plate, a train one."""
    root = tmp_path / "scenes"
    (root / "images").mkdir(parents=True)
    rows = []
    for name, split in (("a.jpg", "valid"), ("b.jpg", "train")):
        frame = np.full((300, 400, 3), 120, np.uint8)
        frame[100:160, 100:300] = text_crop("SCN123")
        frame[220:250, 20:120] = cv2.resize(text_crop("TINY1"), (100, 30))
        cv2.imwrite(str(root / "images" / name), frame)
        rows += [[f"images/{name}", split, "openimages", 100, 100, 300, 160],
                 [f"images/{name}", split, "openimages", 20, 220, 120, 250]]
    with (root / "boxes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "split", "source", "xmin", "ymin", "xmax", "ymax"])
        writer.writerows(rows)
    return root


def test_scenes_are_a_source_judged_by_agreement_with_hr(plate_dir, scenes_dir, fake_plugin,
                                                         fast_speed):
    fake_plugin()
    result = run_bench(BenchConfig(data=plate_dir, models=["cubic"], lr_heights=(16,),
                                   tracks=("clean",), ocr="fake", scenes=scenes_dir))
    assert result.crops == 5 and result.agreement_crops == 1  # only the valid 60 px plate
    assert result.sources == ["(top level)", "scenes", "sub"]
    scenes = result.row("cubic", "clean", 16, "scenes")
    # the fake reader sees "ABC123" everywhere: it holds the HR reading, so it agrees
    assert (scenes.crops, scenes.ocr_read, scenes.ocr_total) == (1, 1, 1)
    assert result.row(HR, "clean", 16, "scenes").ocr_rate == 1.0
    top = result.row("cubic", "clean", 16, "(top level)")
    assert (top.crops, top.ocr_read, top.ocr_total) == (3, 1, 2)  # plate0 ABC123 read
    overall = result.row("cubic", "clean", 16)
    assert (overall.crops, overall.ocr_read, overall.ocr_total) == (5, 2, 4)
    assert any("agreement with HR" in n for n in result.notes)


class PlateLineReaderModel(ReaderModel):
    """Reads a state name above the plate in the HR reference ``hr``, the plate alone in
    anything else."""

    name = "lines"

    def __init__(self, hr: np.ndarray):
        self.hr = hr

    def load(self):
        def read(image):
            if image.shape == self.hr.shape and np.array_equal(image, self.hr):
                return [ScoredText("Ohio", 0.9, 12.0), ScoredText("SCN 123", 0.95, 40.0)]
            return [ScoredText("SCN123", 0.8, 40.0)]
        return read


def test_scenes_agreement_asks_for_the_plate_line_not_the_small_print(plate_dir, scenes_dir,
                                                                       fresh_plugins,
                                                                       fast_speed):
    config = BenchConfig(data=plate_dir, models=["cubic"], lr_heights=(16,), tracks=("clean",),
                         ocr="lines", scenes=scenes_dir, sources=["scenes"])
    (crop,), _, _ = _load_crops(config, [16], ["clean"])
    register_in_code("bench_lines", enhancers=(CubicModel(),),
                     readers=(PlateLineReaderModel(crop.pairs["clean", 16].hr),))
    result = run_bench(config)
    scenes = result.row("cubic", "clean", 16)  # scenes is the only source
    assert (scenes.ocr_read, scenes.ocr_total) == (1, 1)  # "SCN123" holds HR's plate line
    assert any("the plate line read in the HR reference" in n for n in result.notes)


def test_report_has_a_table_per_source(plate_dir, scenes_dir, fake_plugin, fast_speed,
                                       tmp_path):
    fake_plugin()
    out = tmp_path / "report"
    result = CliRunner().invoke(main, [
        "bench", "--data", str(plate_dir), "--scenes", str(scenes_dir), "-m", "cubic",
        "--lr-height", "16", "--track", "clean", "--ocr", "fake", "-o", str(out)])
    assert result.exit_code == 0, result.output
    md = (out / "report.md").read_text()
    assert "## By source" in md and "| method | (top level) | scenes | sub |" in md
    assert "1 scenes crops judged by agreement with HR" in md
    data = json.loads((out / "report.json").read_text())
    assert {r["source"] for r in data["by_source"]} == {"(top level)", "scenes", "sub"}
    assert all(r["source"] == "" for r in data["results"])


def test_without_scenes_a_single_folder_has_no_source_rows(tmp_path, fake_plugin, fast_speed):
    fake_plugin()
    (tmp_path / "flat").mkdir()
    cv2.imwrite(str(tmp_path / "flat" / "p.png"), text_crop("ABC123"))
    result = run_bench(BenchConfig(data=tmp_path / "flat", models=["cubic"], lr_heights=(16,),
                                   tracks=("clean",), ocr=None))
    assert result.source_rows == [] and result.worst_sources() == []


def _rows(source, hr, bicubic, models):
    rows = [Row(HR, "clean", 16, 10, ocr_read=hr, ocr_total=10, source=source),
            Row("bicubic", "clean", 16, 10, ocr_read=bicubic, ocr_total=10, source=source)]
    return rows + [Row(m, "clean", 16, 10, ocr_read=r, ocr_total=10, source=source)
                   for m, r in models.items()]


def test_worst_source_is_where_the_best_model_recovers_least():
    result = BenchResult("d", "val", 20, 20, [16], ["clean"], "fake")
    result.methods = [Method("bicubic", "baseline"), Method("a", "model"),
                      Method("b", "model")]
    result.source_rows = (_rows("eu2", 8, 4, {"a": 7, "b": 5})  # best a: 0.75
                          + _rows("br", 9, 1, {"a": 3, "b": 5}))  # best b: 0.5
    _fill_gaps(result.source_rows)
    assert result.row("a", "clean", 16, "eu2").gap_recovered == pytest.approx(0.75)
    (worst,) = result.worst_sources()
    assert (worst.source, worst.method, worst.gap_recovered) == ("br", "b", 0.5)


def test_report_states_the_worst_source(tmp_path):
    result = BenchResult("d", "val", 20, 20, [16], ["clean"], "fake")
    result.methods = [Method("bicubic", "baseline"), Method("a", "model")]
    result.source_rows = _rows("eu2", 8, 4, {"a": 7}) + _rows("br", 9, 1, {"a": 3})
    result.rows = _rows("", 17, 5, {"a": 10})
    _fill_gaps(result.source_rows)
    write_report(result, environment(), tmp_path)
    md = (tmp_path / "report.md").read_text()
    assert "Worst source: **br** (best model there: a, gap recovered 0.25)" in md


def test_source_keeps_only_the_named_sources(plate_dir, scenes_dir, fake_plugin, fast_speed):
    fake_plugin()
    config = dict(data=plate_dir, models=["cubic"], lr_heights=(16,), tracks=("clean",),
                  ocr="fake", scenes=scenes_dir)
    only_sub = run_bench(BenchConfig(**config, sources=["sub"]))
    assert only_sub.crops == 1 and only_sub.agreement_crops == 0
    assert only_sub.row("cubic", "clean", 16).crops == 1
    only_scenes = run_bench(BenchConfig(**config, sources=["scenes"]))
    assert only_scenes.crops == 1 and only_scenes.agreement_crops == 1
    both = run_bench(BenchConfig(**config, sources=["sub", "scenes"]))
    assert both.sources == ["scenes", "sub"] and both.crops == 2


def test_scenes_crops_are_the_labelled_box_unless_a_margin_is_asked(plate_dir, scenes_dir):
    config = dict(data=plate_dir, lr_heights=(16,), tracks=("clean",), scenes=scenes_dir,
                  sources=["scenes"])
    (tight,), _, notes = _load_crops(BenchConfig(**config), [16], ["clean"])
    assert tight.image.shape[:2] == (60, 200)  # the 60 x 200 box: LR height = plate height
    assert any("cropped to the labelled box" in n for n in notes)
    (wide,), _, notes = _load_crops(BenchConfig(**config, scenes_margin=0.15), [16], ["clean"])
    assert wide.image.shape[:2] == (78, 218)  # 9 px (0.15 x 60) more on every side
    assert any("widened by 0.15 of its height" in n for n in notes)


def test_a_scenes_margin_out_of_range_is_a_clear_error(plate_dir, scenes_dir, tmp_path):
    result = CliRunner().invoke(main, ["bench", "--data", str(plate_dir), "--scenes",
                                       str(scenes_dir), "--scenes-margin", "2", "-o",
                                       str(tmp_path / "out")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "--scenes-margin" in result.output and not (tmp_path / "out").exists()
    with pytest.raises(PlateplugError, match="--scenes-margin"):
        run_bench(BenchConfig(data=plate_dir, scenes=scenes_dir, scenes_margin=-0.1))


def test_an_unknown_source_is_a_clear_error(plate_dir, fake_plugin, fast_speed, tmp_path):
    fake_plugin()
    args = ["bench", "--data", str(plate_dir), "-m", "cubic", "--lr-height", "16",
            "--track", "clean", "--ocr", "fake", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, [*args, "--source", "sub,nope"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "Error: unknown source 'nope': the data has (top level), sub" in result.output
    assert not (tmp_path / "out").exists()
    bursts = CliRunner().invoke(main, [*args[:-2], "--frames", "2", "--source", "sub",
                                       "-o", str(tmp_path / "b")])
    assert bursts.exit_code != 0 and "--source cannot be used with --frames" in bursts.output
