"""Write a burst benchmark (``plateplug bench --frames K``) as bursts.md and bursts.json,
atomically; ``table`` is the markdown table the CLI also prints."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from plateplug.bench.bursts import BurstResult, BurstRow
from plateplug.imageio import write_bytes_atomic

FILES = ("bursts.md", "bursts.json")


def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ocr(row: BurstRow) -> str:
    rate = row.ocr_rate
    return "-" if rate is None else f"{rate:.3f} ({row.ocr_read}/{row.ocr_total})"


def table(result: BurstResult) -> str:
    """One markdown table: a row per method and LR height."""
    lines = ["| method | LR height | OCR | gap recovered | PSNR-Y | SSIM-Y | ms/track | "
             "reads/track |", "|---|---|---|---|---|---|---|---|"]
    for row in result.rows:
        lines.append(f"| {row.method} | {row.lr_height} | {_ocr(row)} | "
                     f"{_num(row.gap_recovered, 2)} | {_num(row.psnr_y, 2)} | "
                     f"{_num(row.ssim_y, 3)} | {_num(row.ms_per_track, 1)} | {row.reads} |")
    return "\n".join(lines)


def markdown(result: BurstResult, environment: dict[str, Any]) -> str:
    """The report page: setting, table, skipped methods, notes and machine."""
    parts = [
        f"# Burst benchmark: {result.frames} frames per plate",
        "",
        f"Protocol: `docs/benchmark.md`, section Bursts (realistic degradation of each view). "
        f"Data: `{result.data}`, split {result.split}, {result.crops} plates "
        f"({result.labelled} labelled); reader: {result.reader or 'none'}. ms/track: "
        "enhancement (and registration) of one burst, reading left out.",
        "",
        table(result),
    ]
    if result.skipped:
        parts += ["", "Skipped:", *(f"- {name}: {why}" for name, why in result.skipped)]
    if result.notes:
        parts += ["", "Notes:", *(f"- {note}" for note in result.notes)]
    parts += ["", "Machine: " + ", ".join(f"{k} {v}" for k, v in environment.items()), ""]
    return "\n".join(parts)


def to_json(result: BurstResult, environment: dict[str, Any]) -> dict[str, Any]:
    """All numbers of the run, plus the machine."""
    return {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "protocol": "docs/benchmark.md bursts",
        **{k: v for k, v in asdict(result).items() if k != "rows"},
        "rows": [{**asdict(r), "ocr_rate": r.ocr_rate} for r in result.rows],
        "environment": environment,
    }


def write_burst_report(result: BurstResult, environment: dict[str, Any],
                       out_dir: Path) -> list[Path]:
    """Write bursts.md and bursts.json into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {
        "bursts.md": markdown(result, environment).encode(),
        "bursts.json": json.dumps(to_json(result, environment), indent=2).encode(),
    }
    for name, data in contents.items():
        write_bytes_atomic(out_dir / name, data)
    return [out_dir / name for name in contents]
