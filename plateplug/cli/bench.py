"""``plateplug bench``: quality, OCR and speed of every model against the baselines."""

from __future__ import annotations

from pathlib import Path

import click

from plateplug.bench.environment import environment
from plateplug.bench.report import write_report
from plateplug.bench.runner import DEFAULT_HEIGHTS, SCENES_MARGIN, BenchConfig, run_bench
from plateplug.cli.bench_bursts import bench_bursts
from plateplug.cli.common import echo_skipped_and_notes, timed_progress
from plateplug.cli.options import data_option, device_option
from plateplug.data.datasets import SPLITS
from plateplug.data.protocol import TRACKS
from plateplug.readers import PROTOCOL_READER


def _names(values: tuple[str, ...]) -> list[str] | None:
    """Names given repeated or comma-separated; None when there are none."""
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return names or None


@click.command()
@data_option("Folder of plate crops (labels from its labels.csv, if any) or a labels CSV.",
             type=click.Path(exists=True, path_type=Path))
@click.option("-m", "--model", "models", multiple=True,
              help="Models to measure (names, or .onnx files with plateplug metadata), "
                   "repeatable or comma-separated [default: every trained model].")
@click.option("--lr-height", "lr_heights", multiple=True, type=click.IntRange(4),
              help=f"LR height in px, repeatable [default: {' '.join(map(str, DEFAULT_HEIGHTS))}].")
@click.option("--track", "tracks", multiple=True, type=click.Choice(TRACKS),
              help="Degradation track, repeatable [default: both].")
@click.option("--split", type=click.Choice(SPLITS),
              help="Crops to use [default: val for the shared plates set, else all].")
@click.option("--ocr", default=PROTOCOL_READER, show_default=True,
              help="Reader for the OCR rate: rapidocr (the protocol's), rapidocr-fast (its "
                   "detector at the crop's scale, about 20x faster), rapidocr-rec (recognition "
                   "only) or none.")
@click.option("--baselines", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder with FSRCNN_x4.pb, ESPCN_x4.pb, LapSRN_x4.pb (needs opencv-contrib).")
@click.option("--scenes", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Scenes folder (boxes.csv, images/): its valid-split plates at least 48 px "
                   "high, cropped to the labelled box, are one more source; their OCR is "
                   "the agreement with the HR reading's plate line (no text labels).")
@click.option("--scenes-margin", type=click.FloatRange(0, 1), default=SCENES_MARGIN,
              show_default=True,
              help="Widen each scenes box by this share of its height on every side before "
                   "cropping (0: the LR height is the plate's, as for the plate folders; "
                   "0.15, the training margin, gives the crops of reports before 2026-12-06).")
@click.option("--source", "sources", multiple=True,
              help="Measure only these sources (first folder of the crop paths, e.g. br; "
                   "'scenes' for the --scenes crops), repeatable or comma-separated "
                   "[default: all].")
@click.option("--limit", type=click.IntRange(1),
              help="Use N crops, evenly spaced (N of the data and N of the scenes).")
@device_option
@click.option("--torch-compare", "torch_compare", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Training checkpoint (plateplug train) to time with torch against its ONNX "
                   "model; repeatable.")
@click.option("--frames", type=click.IntRange(2),
              help="Burst mode: K realistic views per plate (docs/benchmark.md, Bursts); "
                   "bicubic and single-frame models on frame 0 and voted over the K frames, "
                   "multi-frame models fused and voted over K windows [default models: "
                   "srgan, mfsr; LR height 16].")
@click.option("--read-cache", type=click.Path(dir_okay=False, path_type=Path),
              help="File of OCR reads kept between runs (JSON lines; created when missing): "
                   "images read before, such as the HR and bicubic crops or an unchanged "
                   "model's outputs, are not read again. One file per reader installation.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Report folder: report.md, report.json, samples.png, curves.png.")
def bench(data: Path, models: tuple[str, ...], lr_heights: tuple[int, ...],
          tracks: tuple[str, ...], split: str | None, ocr: str, baselines: Path | None,
          scenes: Path | None, scenes_margin: float, sources: tuple[str, ...],
          limit: int | None, device: str,
          torch_compare: tuple[Path, ...], frames: int | None, read_cache: Path | None,
          output: Path) -> None:
    """Measure every model and the baselines by the protocol of docs/benchmark.md, in all and
    per source (first folder of the crop paths, and the scenes crops); with --frames, on
    bursts of K views per plate."""
    if frames is not None:
        bench_bursts(data, frames, _names(models), lr_heights, tracks, split,
                     None if ocr.lower() == "none" else ocr, limit, device, output, read_cache,
                     {"--baselines": baselines is not None, "--scenes": scenes is not None,
                      "--torch-compare": bool(torch_compare), "--source": bool(sources)})
        return
    config = BenchConfig(
        data=data, models=_names(models), lr_heights=lr_heights or DEFAULT_HEIGHTS,
        tracks=tracks or TRACKS, split=split, ocr=None if ocr.lower() == "none" else ocr,
        baselines=baselines, limit=limit, device=device,
        torch_compare=torch_compare, scenes=scenes, scenes_margin=scenes_margin,
        read_cache=read_cache,
        sources=_names(sources) or (),
    )
    result = run_bench(config, timed_progress())
    echo_skipped_and_notes(result.skipped, result.notes)
    for w in result.worst_sources():
        click.echo(f"Worst source, {w.track} {w.lr_height} px: {w.source} (best model "
                   f"{w.method} recovers {w.gap_recovered:.2f} of the OCR gap)", err=True)
    for path in write_report(result, environment(), output):
        click.echo(path)
