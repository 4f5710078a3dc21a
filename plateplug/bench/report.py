"""Write a benchmark result as report.md, report.json, samples.png and curves.png.

Every file is written atomically (temporary file + ``os.replace``, ``imageio``), so a reader
never sees a half-written report.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import cv2

from plateplug.bench import plots
from plateplug.bench.results import HR, BenchResult, Method, Row
from plateplug.errors import PlateplugError
from plateplug.imageio import write_bytes_atomic

FILES = ("report.md", "report.json", "samples.png", "curves.png")


def _png(image: Any) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise PlateplugError("PNG encoding failed")
    return encoded.tobytes()


def write_report(result: BenchResult, environment: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write the four report files into ``out_dir`` (created if needed); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {
        "report.md": markdown(result, environment).encode(),
        "report.json": json.dumps(to_json(result, environment), indent=2).encode(),
        "samples.png": _png(plots.samples_grid(result)),
        "curves.png": _png(plots.curves(result)),
    }
    paths = []
    for name, data in contents.items():
        write_bytes_atomic(out_dir / name, data)
        paths.append(out_dir / name)
    return paths


def _speed_json(method: Method) -> dict[str, Any] | None:
    return asdict(method.speed) if method.speed else None


def to_json(result: BenchResult, environment: dict[str, Any]) -> dict[str, Any]:
    """All numbers of the run, plus versions and machine."""
    return {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "protocol": "docs/benchmark.md (plate-x4)",
        "data": result.data, "split": result.split, "crops": result.crops,
        "labelled": result.labelled, "reader": result.reader,
        "lr_heights": result.lr_heights, "tracks": result.tracks,
        "speed_crop": {"height": result.speed_crop[0], "width": result.speed_crop[1]}
        if result.speed_crop else None,
        "environment": environment,
        "methods": [{**{k: v for k, v in asdict(m).items() if k != "speed"},
                     "speed": _speed_json(m)} for m in result.methods],
        "results": [{**asdict(r), "ocr_rate": r.ocr_rate} for r in result.rows],
        "agreement_crops": result.agreement_crops,
        "by_source": [{**asdict(r), "ocr_rate": r.ocr_rate} for r in result.source_rows],
        "worst_sources": [asdict(w) for w in result.worst_sources()],
        "skipped": [{"name": n, "reason": why} for n, why in result.skipped],
        "notes": result.notes,
        "sample_setting": list(result.sample_setting) if result.sample_setting else None,
        "samples": [{"key": s.key, "label": s.label,
                     "readings": {col: {"text": c.reading, "read": c.correct}
                                  for col, c in s.cells.items()}} for s in result.samples],
        "torch_compare": result.torch_compare,
    }


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def _best(rows: list[Row], attr: str) -> float | None:
    """The best value of ``attr`` among methods, or None when there is nothing to single out."""
    values = [getattr(r, attr) for r in rows if r.method != HR and getattr(r, attr) is not None]
    return max(values) if values and max(values) > min(values) else None


def _cell(row: Row, attr: str, digits: int, best: float | None) -> str:
    value = getattr(row, attr)
    text = _fmt(value, digits)
    return f"**{text}**" if row.method != HR and value is not None and value == best else text


def _setting_table(result: BenchResult, track: str, h: int) -> list[str]:
    rows = [r for r in result.rows if r.track == track and r.lr_height == h]
    ocr = result.has_ocr
    head = ["method", "PSNR-Y dB", "SSIM-Y"] + (["OCR rate", "read", "gap recovered"]
                                               if ocr else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    best = {a: _best(rows, a) for a in ("psnr_y", "ssim_y", "ocr_rate", "gap_recovered")}
    for r in rows:
        if r.method == HR and not ocr:
            continue
        name = f"{HR} (ceiling)" if r.method == HR else r.method
        cells = [name, _cell(r, "psnr_y", 2, best["psnr_y"]),
                 _cell(r, "ssim_y", 3, best["ssim_y"])]
        if ocr:
            read = "-" if r.ocr_read is None else f"{r.ocr_read}/{r.ocr_total}"
            cells += [_cell(r, "ocr_rate", 3, best["ocr_rate"]), read,
                      _cell(r, "gap_recovered", 2, best["gap_recovered"])]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _verdict(rows: list[Row], bicubic: Row, attr: str, what: str, fmt: str) -> str:
    """Who wins ``attr`` in one setting, measured against bicubic."""
    candidates = [r for r in rows if r.method not in (HR, "bicubic")
                  and getattr(r, attr) is not None]
    base = getattr(bicubic, attr)
    if not candidates or base is None:
        return ""
    best = max(candidates, key=lambda r: getattr(r, attr))
    if getattr(best, attr) <= base:
        return f"{what}: nothing beats bicubic ({base:{fmt}})"
    return f"{what}: **{best.method}** {getattr(best, attr):{fmt}} (bicubic {base:{fmt}})"


def _at_a_glance(result: BenchResult) -> list[str]:
    lines = []
    for track in result.tracks:
        for h in result.lr_heights:
            rows = [r for r in result.rows if r.track == track and r.lr_height == h]
            bicubic = result.row("bicubic", track, h)
            if bicubic is None:
                continue
            parts = [_verdict(rows, bicubic, "psnr_y", "PSNR-Y dB", ".2f")]
            if result.has_ocr:
                ceiling = result.row(HR, track, h)
                hr_rate = ceiling.ocr_rate if ceiling else None
                parts.insert(0, _verdict(rows, bicubic, "ocr_rate", "OCR", ".3f")
                             + f", hr ceiling {_fmt(hr_rate, 3)}")
            lines.append(f"- {track} {h} px: " + "; ".join(p for p in parts if p))
    return lines


def _source_cell(row: Row | None, ocr: bool) -> str:
    if row is None:
        return "-"
    psnr = f"{_fmt(row.psnr_y, 2)} dB" if row.psnr_y is not None else ""
    if not ocr or row.ocr_read is None:
        return psnr or "-"
    gap = f", gap {_fmt(row.gap_recovered, 2)}" if row.gap_recovered is not None else ""
    return f"{_fmt(row.ocr_rate, 2)} ({row.ocr_read}/{row.ocr_total}){gap}" + \
        (f"; {psnr}" if psnr else "")


def _source_tables(result: BenchResult) -> list[str]:
    """One table per setting: a row per method, a column per source."""
    sources, ocr = result.sources, result.has_ocr
    what = "OCR rate (read/counted), gap recovered; PSNR-Y" if ocr else "PSNR-Y"
    lines = [f"Each cell: {what}. "
             + ("Scenes crops: OCR = agreement with HR (see Notes). " if
                result.agreement_crops else "")
             + "Worst source = where the best model recovers the least of the OCR gap.", ""]
    worst = {(w.track, w.lr_height): w for w in result.worst_sources()}
    for track in result.tracks:
        for h in result.lr_heights:
            lines += [f"### {track} {h} px", "", "| method | " + " | ".join(sources) + " |",
                      "|---|" + "---|" * len(sources)]
            for name in [HR] + [m.name for m in result.methods]:
                cells = [_source_cell(result.row(name, track, h, src), ocr) for src in sources]
                if any(c != "-" for c in cells) and (name != HR or ocr):
                    title = f"{HR} (ceiling)" if name == HR else name
                    lines.append(f"| {title} | " + " | ".join(cells) + " |")
            w = worst.get((track, h))
            if w is not None:
                lines += ["", f"Worst source: **{w.source}** (best model there: {w.method}, "
                              f"gap recovered {w.gap_recovered:.2f})"]
            lines.append("")
    return lines


def _speed_table(result: BenchResult) -> list[str]:
    h, w = result.speed_crop or (0, 0)
    lines = [f"| method | ms/crop (batch 1, {w}x{h} px) | crops/s (enhance_batch, "
             f"{result.crops} crops) | parameters | file size | runs on |",
             "|---|---|---|---|---|---|"]
    for m in result.methods:
        s = m.speed
        params = "-" if m.parameters is None else f"{m.parameters:,}"
        lines.append(f"| {m.name} | {_fmt(s.ms_per_crop if s else None, 2)} | "
                     f"{_fmt(s.crops_per_s if s else None, 1)} | {params} | {_size(m.file_size)} | "
                     f"{', '.join(m.providers)} |")
    return lines


def _torch_lines(result: BenchResult) -> list[str]:
    lines = []
    for c in result.torch_compare:
        o, t = c["onnxruntime"], c["torch"]
        lines.append(f"- **{c['model']}** ({c['checkpoint']}): onnxruntime "
                     f"{o['ms_per_crop']:.2f} ms/crop, {o['crops_per_s']:.1f} crops/s; torch "
                     f"({c['torch_threads']} threads) "
                     f"{t['ms_per_crop']:.2f} ms/crop, {t['crops_per_s']:.1f} crops/s; outputs "
                     f"differ by at most {c['max_abs_diff']} grey levels "
                     f"(mean {c['mean_abs_diff']:.3f})")
    return lines


def markdown(result: BenchResult, environment: dict[str, Any]) -> str:
    """The human report: what wins at a glance, one table per setting, speed, notes."""
    machine = environment.get("machine", {})
    versions = environment.get("versions", {})
    out = [
        "# plateplug bench",
        "",
        f"Data: `{result.data}`, split **{result.split}**, {result.crops} crops "
        f"({result.labelled} labelled"
        + (f", {result.agreement_crops} scenes crops judged by agreement with HR"
           if result.agreement_crops else "")
        + "). Protocol: docs/benchmark.md (x4, PSNR-Y/SSIM-Y on the whole "
        f"image; OCR: {result.reader or 'not run'}).",
        f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, load "
        f"{'/'.join(map(str, machine.get('load_average') or ['?']))} (1/5/15 min) at the end; "
        + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        "## At a glance",
        "",
        *_at_a_glance(result),
        "",
        "![OCR and PSNR against LR height](curves.png)",
        "",
    ]
    for track in result.tracks:
        for h in result.lr_heights:
            out += [f"## {track} track, {h} px LR", "", *_setting_table(result, track, h), ""]
    if result.has_ocr:
        out += ["Gap recovered = (method - bicubic) / (hr - bicubic) on the OCR rate; "
                "bold = best method in the column.", ""]
    if result.sources:
        out += ["## By source", "", *_source_tables(result)]
    out += ["## Speed and size", "", *_speed_table(result), "",
            "Batch 1: median of at least 50 runs after a warm-up; batched: median of 3 "
            "passes of `enhance_batch` over the 20 px clean inputs; same process, "
            "default threads.", ""]
    if result.torch_compare:
        out += ["## onnxruntime vs torch, same weights", "", *_torch_lines(result), ""]
    if result.sample_setting:
        out += ["## Samples", "", "![samples](samples.png)", ""]
    if result.skipped:
        out += ["## Skipped models", "", *[f"- {n}: {why}" for n, why in result.skipped], ""]
    if result.notes:
        out += ["## Notes", "", *[f"- {n}" for n in result.notes], ""]
    return "\n".join(out).rstrip() + "\n"
