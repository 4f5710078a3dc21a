"""How fast ``plateplug enhance VIDEO`` really is, and what users see.

The command a user types is timed as they run it: a new process (``plateplug enhance -m
MODEL CLIP -o OUT``; its ``--stats`` file gives the seconds per stage and the run time from
the first frame on, so that the start-up, imports and model loading included, is reported
apart). Beside it, decoding + encoding alone (``VideoSource`` into ``VideoWriter``, through
the same background threads) is the ceiling. With labelled plates, the OCR rate of the
output crops (``--crops``) says whether a faster setting costs readings.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from plateplug.data.boxes import box_iou as iou
from plateplug.data.metrics import plate_read
from plateplug.errors import PlateplugError
from plateplug.video.boxes import Box
from plateplug.video.sources import VideoSource
from plateplug.video.stats import STAGES
from plateplug.video.writer import VideoWriter

SYNTHETIC_SIZE = (1280, 720)
SYNTHETIC_FRAMES = 30
MATCH_IOU = 0.3  # a crop belongs to the labelled plate its box overlaps this much

Labels = dict[int, list[tuple[Box, str]]]


class VideoBenchError(PlateplugError):
    """A timed command failed, or a labels file is unusable."""


def synthetic_clip(path: Path, frames: int = SYNTHETIC_FRAMES,
                   size: tuple[int, int] = SYNTHETIC_SIZE) -> dict[int, list[Box]]:
    """Write a textured clip with two moving plates to ``path``; returns their boxes."""
    w, h = size
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (h // 8, w // 8, 3), dtype=np.uint8)
    background = cv2.GaussianBlur(cv2.resize(noise, size), (0, 0), 3)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 25.0, size)
    boxes: dict[int, list[Box]] = {}
    for i in range(frames):
        frame = np.roll(background, 4 * i, axis=1)
        plates = [(w // 4 + 3 * i, h // 2, 120, 30), (2 * w // 3 - 2 * i, h // 2 + 60, 90, 22)]
        boxes[i] = []
        for x, y, pw, ph in plates:
            frame[y:y + ph, x:x + pw] = 235
            cv2.putText(frame, "AB 123", (x + 6, y + ph - 7), cv2.FONT_HERSHEY_SIMPLEX,
                        ph / 36, (20, 20, 20), 2, cv2.LINE_AA)
            boxes[i].append((x, y, x + pw, y + ph))
        writer.write(frame)
    writer.release()
    return boxes


def write_boxes(path: Path, boxes: Mapping[int, Sequence[Box]]) -> Path:
    """``boxes`` as a ``--boxes`` JSONL file."""
    path.write_text("".join(json.dumps({"frame": i, "boxes": [list(b) for b in bs]}) + "\n"
                            for i, bs in sorted(boxes.items())))
    return path


@dataclass(frozen=True)
class Ceiling:
    """Decoding + encoding alone, per frame: wall seconds, and CPU seconds (all threads)."""

    seconds: float
    cpu_seconds: float


def cpu_time() -> float:
    """CPU seconds (user + system) this process has used, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def io_ceiling(source: str | Path) -> Ceiling:
    """Decode ``source`` and encode it again (to a temporary file), through the pipeline's
    reader and writer threads: the ceiling of any processing, per frame."""
    frames = 0
    with VideoSource(source) as src, tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), cpu_time()
        with VideoWriter(Path(tmp) / "io.mp4", src.fps, src.size) as writer:
            for _, frame in src:
                writer.write(frame)
                frames += 1
        seconds, cpu = time.perf_counter() - start, cpu_time() - cpu
    return Ceiling(seconds / max(frames, 1), cpu / max(frames, 1))


@dataclass
class CommandRun:
    """One run of ``plateplug enhance``: its wall time and CPU time (user + system, all
    threads) as a process, and its --stats."""

    wall_seconds: float
    stats: dict
    cpu_seconds: float = 0.0

    @property
    def frames(self) -> int:
        return int(self.stats["frames"])

    @property
    def startup_seconds(self) -> float:
        """Everything but the frames: start-up, imports, model loading, exit."""
        return max(0.0, self.wall_seconds - self.stats["run_seconds"])


def plateplug_command() -> list[str]:
    """How to start ``plateplug``: the console script beside this Python when there is one
    (what users type), else ``python -m plateplug.cli``."""
    script = Path(sys.executable).with_name("plateplug")
    if script.is_file():
        return [str(script)]
    found = shutil.which("plateplug")
    return [found] if found else [sys.executable, "-m", "plateplug.cli"]


def enhance_args(model: str, source: str | Path, output: Path,
                 extra: Sequence[str] = ()) -> list[str]:
    """``enhance -m MODEL SOURCE -o OUTPUT`` and any ``extra`` options."""
    return ["enhance", "-m", model, str(source), "-o", str(output), *extra]


def run_command(args: Sequence[str], folder: Path) -> CommandRun:
    """Run ``plateplug ARGS --stats`` in a new process, output files in ``folder``; the
    wall time counts from process start to exit."""
    stats = folder / "stats.json"
    stats.unlink(missing_ok=True)
    command = [*plateplug_command(), *args, "--stats", str(stats)]
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        stderr = log.read()
    if process.returncode != 0 or not stats.is_file():
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        raise VideoBenchError(f"`plateplug {' '.join(args)}` failed "
                              f"(exit {process.returncode}): {tail}")
    return CommandRun(wall, json.loads(stats.read_text()), usage.ru_utime + usage.ru_stime)


def median_run(runs: Sequence[CommandRun]) -> CommandRun:
    """The run of median wall time (the lower one of an even count)."""
    ordered = sorted(runs, key=lambda r: r.wall_seconds)
    return ordered[(len(ordered) - 1) // 2]


def read_labels(path: Path) -> Labels:
    """Frame -> (box, text) of the labelled plates of a ``--boxes`` JSONL file whose lines
    also carry ``"texts"`` (null for unreadable plates), like ``examples/street.boxes.jsonl``."""
    labels: Labels = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        for line in filter(str.strip, lines):
            record = json.loads(line)
            pairs = zip(record["boxes"], record["texts"], strict=True)
            labels[int(record["frame"])] = [(tuple(b), t) for b, t in pairs if t]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VideoBenchError(f"{path}: not a labels file (JSONL lines with frame, boxes "
                              f"and texts): {exc}") from None
    return labels


@dataclass
class OcrRate:
    """Output crops of labelled plates, and how many of them the reader read right."""

    read: int = 0
    labelled: int = 0

    @property
    def rate(self) -> float:
        return self.read / self.labelled if self.labelled else 0.0


def ocr_rate(crops_dir: Path, labels: Labels,
             reader: Callable[[np.ndarray], list[str]]) -> OcrRate:
    """The OCR rate of the crops a ``--crops`` run wrote: each crop whose box overlaps a
    labelled plate of its frame (IoU >= MATCH_IOU) counts, read when the plate's text is
    in what ``reader`` reads (docs/benchmark.md's rule); a PNG shown in several frames is read
    once."""
    result, readings = OcrRate(), {}
    for line in (crops_dir / "crops.jsonl").read_text().splitlines():
        record = json.loads(line)
        plates = labels.get(record["frame"], [])
        overlaps = [(iou(record["box"], box), text) for box, text in plates]
        best = max(overlaps, default=(0.0, ""))
        if best[0] < MATCH_IOU:
            continue
        name = record["file"]
        if name not in readings:
            image = cv2.imread(str(crops_dir / name))
            if image is None:
                raise PlateplugError(f"{crops_dir / name}: not a readable image")
            readings[name] = reader(image)
        result.labelled += 1
        result.read += plate_read(best[1], readings[name])
    return result


@dataclass
class Timed:
    """A command to time: ``plateplug enhance -m MODEL CLIP -o OUT`` plus ``extra`` (shown
    in its label) and ``common`` options (not shown: e.g. the ``--boxes`` of every command);
    its runs, and its OCR rate when labels were given."""

    model: str
    extra: tuple[str, ...] = ()
    common: tuple[str, ...] = ()
    runs: list[CommandRun] = field(default_factory=list)
    ocr: OcrRate | None = None

    @property
    def label(self) -> str:
        return " ".join(["enhance -m", self.model, *self.extra])

    @property
    def wall_fps(self) -> float:
        """Frames per second of the whole process (median run), start-up included."""
        run = median_run(self.runs)
        return run.frames / run.wall_seconds

    @property
    def run_fps(self) -> float:
        """Frames per second from the first frame on (median run)."""
        run = median_run(self.runs)
        return run.frames / run.stats["run_seconds"]


def bench_clip(source: str | Path, commands: Sequence[Timed], rounds: int,
               labels: Labels | None = None,
               reader: Callable[[np.ndarray], list[str]] | None = None,
               on_round: Callable[[int], None] | None = None) -> Ceiling:
    """Time decoding + encoding of ``source`` and every command, ``rounds`` times taking
    turns (so that each sees the same machine); then, with ``labels`` and ``reader``, run
    each command once more with ``--crops`` for its OCR rate. Fills the commands' runs and
    rates; returns the ceiling's medians."""
    ceiling = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for number in range(1, rounds + 1):
            if on_round is not None:
                on_round(number)
            ceiling.append(io_ceiling(source))
            for command in commands:
                args = enhance_args(command.model, source, folder / "out.mp4",
                                    (*command.extra, *command.common))
                command.runs.append(run_command(args, folder))
        if labels is not None and reader is not None:
            for command in commands:
                crops = folder / f"crops{commands.index(command)}"
                args = enhance_args(command.model, source, folder / "out.mp4",
                                    (*command.extra, *command.common, "--crops", str(crops)))
                run_command(args, folder)
                command.ocr = ocr_rate(crops, labels, reader)
    return Ceiling(statistics.median(c.seconds for c in ceiling),
                   statistics.median(c.cpu_seconds for c in ceiling))


def report(source: str | Path, ceiling: Ceiling, commands: Sequence[Timed],
           reader: str) -> str:
    """The text tables of one clip: frames per second of each command (whole process and
    from the first frame on) and CPU ms per frame (whole process) against the ``ceiling``
    (decoding + encoding alone), ms per frame by stage of its median run with the crops
    enhanced and reused, its settings line, and with labels the OCR rate of its output
    crops (``reader``)."""
    width = max(len(c.label) for c in commands) + 2
    io_fps, io_cpu = 1 / ceiling.seconds, 1000 * ceiling.cpu_seconds
    lines = [f"\n{source}",
             f"{'COMMAND'.ljust(width)}{'FPS':>7}{'OF I/O':>8}{'START-UP S':>12}"
             f"{'RUN FPS':>9}{'OF I/O':>8}{'CPU MS/FRAME':>14}{'X I/O':>7}",
             f"{'decode + encode only'.ljust(width)}{io_fps:7.1f}{1:8.2f}{'-':>12}"
             f"{io_fps:9.1f}{1:8.2f}{io_cpu:14.1f}{1:7.2f}"]
    for c in commands:
        run = median_run(c.runs)
        cpu = 1000 * run.cpu_seconds / run.frames
        lines.append(f"{c.label.ljust(width)}{c.wall_fps:7.1f}{c.wall_fps / io_fps:8.2f}"
                     f"{run.startup_seconds:12.2f}{c.run_fps:9.1f}{c.run_fps / io_fps:8.2f}"
                     f"{cpu:14.1f}{cpu / io_cpu:7.2f}")
    lines += ["\nms per frame by stage, median run (decode and encode run in threads of "
              "their own, beside the other stages)",
              f"{'COMMAND'.ljust(width)}" + "".join(f"{s.upper():>8}" for s in STAGES)
              + f"{'DETECTED':>10}{'ENHANCED':>10}{'REUSED':>8}"]
    for c in commands:
        stats = median_run(c.runs).stats
        per_frame = [1000 * stats["stage_seconds"][s] / stats["frames"] for s in STAGES]
        lines.append(c.label.ljust(width) + "".join(f"{v:8.1f}" for v in per_frame)
                     + f"{stats['detections']:10d}{stats['crops_enhanced']:10d}"
                     f"{stats['crops_reused']:8d}")
    lines += [f"{c.label}: {median_run(c.runs).stats['settings']}" for c in commands]
    rated = [c for c in commands if c.ocr is not None]
    if rated:
        lines.append(f"\nOCR rate of the output crops of labelled plates ({reader})")
        lines += [f"{c.label.ljust(width)}{c.ocr.rate:7.3f}  ({c.ocr.read}/{c.ocr.labelled})"
                  for c in rated if c.ocr is not None]
    return "\n".join(lines)
