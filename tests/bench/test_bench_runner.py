"""A whole bench run on generated crops with a tiny enhancer and a fake reader."""

import json
import sys

import numpy as np
import pytest

from plateplug.bench.environment import environment
from plateplug.bench.report import FILES, write_report
from plateplug.bench.results import HR, BenchResult, Row
from plateplug.bench.runner import BenchConfig, _fill_gaps, run_bench
from plateplug.data import metrics
from plateplug.data.protocol import make_pair
from plateplug.errors import PlateplugError, UnknownModelError
from tests.bench.conftest import TEXTS, CubicEnhancer, CubicModel, cubic_x4, text_crop


@pytest.fixture
def result(plate_dir, fake_plugin, fast_speed):
    fake_plugin()
    config = BenchConfig(data=plate_dir, models=["cubic", "untrained"], lr_heights=(16, 20),
                         ocr="fake")
    return run_bench(config)


def test_every_method_setting_and_column(result):
    assert result.split == "all"  # not the shared plates layout
    assert result.crops == 4 and result.labelled == 3
    assert [m.name for m in result.methods] == ["bicubic", "lanczos", "cubic"]
    assert result.skipped == [("untrained", "not trained yet: no weights")]
    for method in ["bicubic", "lanczos", "cubic"]:
        for track in ["clean", "realistic"]:
            for h in [16, 20]:
                row = result.row(method, track, h)
                assert row.crops == 4
                assert 5 < row.psnr_y < 60 and 0 < row.ssim_y <= 1
                # the fake reader reads "ABC123" everywhere: 1 of the 3 labelled plates
                assert (row.ocr_read, row.ocr_total) == (1, 3)
    assert result.row(HR, "clean", 16).ocr_rate == pytest.approx(1 / 3)
    assert result.row(HR, "clean", 16).psnr_y is None
    for m in result.methods:
        assert m.speed.ms_per_crop > 0 and m.speed.crops_per_s > 0 and m.speed.runs >= 5
    assert result.speed_crop[0] == 20


def test_pairs_follow_the_protocol_seeded_by_file_name(result, plate_dir):
    # sub/plate1.png is seeded by its file name "plate1.png", not its path
    want = []
    for i in range(len(TEXTS)):
        pair = make_pair(text_crop(TEXTS[i], seed=i), 16, "realistic",
                         seed_name=f"plate{i}.png")
        want.append(metrics.psnr_y(cubic_x4(pair.lr), pair.hr))
    assert result.row("cubic", "realistic", 16).psnr_y == pytest.approx(np.mean(want))


def test_samples_grid_cells(result):
    assert result.sample_setting == ("realistic", 16)
    assert [s.label for s in result.samples] == ["ABC123", "XYZ789", "KL42MN"]
    first = result.samples[0]
    assert list(first.cells) == ["bicubic", "lanczos", "cubic", "LR", HR]
    assert first.cells["LR"].image.shape == first.cells[HR].image.shape
    assert first.cells["cubic"].reading == "ABC123" and first.cells["cubic"].correct
    assert result.samples[1].cells["cubic"].correct is False


def test_report_files_and_columns(result, tmp_path):
    paths = write_report(result, environment(), tmp_path / "report")
    assert sorted(p.name for p in paths) == sorted(FILES)
    assert all(p.stat().st_size > 0 for p in paths)
    assert not [p for p in (tmp_path / "report").iterdir() if p.name not in FILES]
    md = (tmp_path / "report" / "report.md").read_text()
    for column in ["PSNR-Y dB", "SSIM-Y", "OCR rate", "gap recovered", "ms/crop",
                   "crops/s", "parameters", "file size", "hr (ceiling)"]:
        assert column in md
    assert "untrained: not trained yet" in md
    assert "## realistic track, 16 px LR" in md
    data = json.loads((tmp_path / "report" / "report.json").read_text())
    assert {"onnxruntime", "opencv", "numpy", "plateplug"} <= set(data["environment"]["versions"])
    assert data["environment"]["machine"]["cores"] >= 1
    assert "onnxruntime_providers" in data["environment"]
    row = data["results"][0]
    assert {"method", "track", "lr_height", "psnr_y", "ssim_y", "ocr_rate",
            "gap_recovered"} <= set(row)
    assert {m["name"] for m in data["methods"]} == {"bicubic", "lanczos", "cubic"}
    assert all(m["speed"]["ms_per_crop"] > 0 for m in data["methods"])


def test_without_labels_ocr_columns_are_left_out(plate_dir, fake_plugin, fast_speed, tmp_path):
    fake_plugin()
    (plate_dir / "labels.csv").unlink()
    result = run_bench(BenchConfig(data=plate_dir, models=["cubic"], lr_heights=(16,),
                                   tracks=("clean",), ocr="fake"))
    assert not result.has_ocr
    assert all(r.ocr_read is None for r in result.rows)
    assert any("no crop has a text label" in n for n in result.notes)
    write_report(result, environment(), tmp_path / "out")
    md = (tmp_path / "out" / "report.md").read_text()
    assert "OCR rate" not in md and "gap recovered" not in md and "PSNR-Y dB" in md


def test_missing_ocr_extra_is_a_note(plate_dir, fake_plugin, fast_speed, monkeypatch):
    fake_plugin()
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as if it were not installed
    result = run_bench(BenchConfig(data=plate_dir, models=[], lr_heights=(16,),
                                   tracks=("clean",), ocr="rapidocr"))
    assert not result.has_ocr
    assert any("install plateplug[ocr]" in n for n in result.notes)


def test_limit_spreads_over_the_data(plate_dir, fake_plugin, fast_speed):
    fake_plugin()
    result = run_bench(BenchConfig(data=plate_dir, models=[], lr_heights=(16,),
                                   tracks=("clean",), ocr=None, limit=2))
    assert result.crops == 2
    assert [s.key for s in result.samples] == ["plate0.png", "plate2.png"]


def test_bad_input_raises_plateplug_errors(plate_dir, fake_plugin, tmp_path):
    fake_plugin()
    with pytest.raises(UnknownModelError):
        run_bench(BenchConfig(data=plate_dir, models=["nope"], ocr=None))
    (tmp_path / "empty").mkdir()
    with pytest.raises(PlateplugError, match="no readable plate crops"):
        run_bench(BenchConfig(data=tmp_path / "empty", ocr=None))
    with pytest.raises(PlateplugError, match="lr-height"):
        run_bench(BenchConfig(data=plate_dir, lr_heights=(2,), ocr=None))


def test_gap_recovered():
    result = BenchResult("d", "all", 10, 10, [16], ["clean"], "fake")
    result.rows = [Row(HR, "clean", 16, 10, ocr_read=8, ocr_total=10),
                   Row("bicubic", "clean", 16, 10, ocr_read=4, ocr_total=10),
                   Row("model", "clean", 16, 10, ocr_read=7, ocr_total=10)]
    _fill_gaps(result.rows)
    assert result.row("model", "clean", 16).gap_recovered == pytest.approx(0.75)
    assert result.row("bicubic", "clean", 16).gap_recovered == 0.0
    assert result.row(HR, "clean", 16).gap_recovered is None


class BrokenEnhancer(CubicEnhancer):
    def _run(self, batch):
        raise RuntimeError("session exploded")


class BrokenModel(CubicModel):
    name = "broken"

    def load(self, device="auto", threads=None):
        return BrokenEnhancer()


def test_a_model_failing_mid_run_is_skipped(plate_dir, fake_plugin, fast_speed):
    fake_plugin(CubicModel(), BrokenModel())
    result = run_bench(BenchConfig(data=plate_dir, models=["broken", "cubic"],
                                   lr_heights=(16,), ocr="fake"))
    assert [m.name for m in result.methods] == ["bicubic", "lanczos", "cubic"]
    assert result.skipped[0][0] == "broken" and "session exploded" in result.skipped[0][1]
    assert not [r for r in result.rows if r.method == "broken"]
    assert all("broken" not in s.cells for s in result.samples)


def test_an_onnx_file_is_measured_under_its_path(plate_dir, fake_plugin, fast_speed,
                                                  tiny_onnx):
    fake_plugin()
    path = tiny_onnx("candidate.onnx")
    result = run_bench(BenchConfig(data=plate_dir, models=[str(path)], lr_heights=(16,),
                                   tracks=("clean",), ocr=None))
    assert [m.name for m in result.methods][-1] == str(path)
    assert {r.method for r in result.rows} >= {str(path)}
    absent = str(path.with_name("no.onnx"))
    missing = run_bench(BenchConfig(data=plate_dir, models=[absent], lr_heights=(16,),
                                    tracks=("clean",), ocr=None))
    assert missing.skipped[0][0] == absent and "no weights at" in missing.skipped[0][1]
