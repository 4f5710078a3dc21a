"""Read the plates of one video file, camera or stream into JSON lines, one per tracked
plate, written as each track ends: the function behind ``plateplug plates``."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from plateplug.pipeline import Pipeline
from plateplug.readers import DEFAULT_READER
from plateplug.reading.output import PlatesWriter
from plateplug.reading.policy import ReadPolicy
from plateplug.video.boxes import read_boxes
from plateplug.video.errors import OutputError
from plateplug.video.outputs import default_output
from plateplug.video.pipeline import Summary, load_detector
from plateplug.video.run import Progress, quiet
from plateplug.video.sources import VideoSource

NO_ENHANCER = "none"  # the model name that reads the crops as they are
DEFAULT_REJOIN_S = 1.0  # seconds an ended track waits for a successor of the same text
READ_THREADS = 1  # inference threads on a CPU: decoding runs in a thread of its own

Boxes = Mapping[int, Sequence[Sequence[float]]]


def default_plates_output(source: str) -> Path:
    """``clip.mp4`` -> ``clip.plates.jsonl`` (cameras and streams: a timestamped name)."""
    enhanced = default_output(source)
    return enhanced.with_name(enhanced.name.replace(".enhanced.mp4", ".plates.jsonl"))


def read_plates(source: str, output: Path | None, model: str | None,
                reader: str = DEFAULT_READER, *, crops_dir: Path | None = None,
                detector_name: str | None = None,
                boxes_file: Path | None = None, policy: ReadPolicy | None = None,
                detect_every: int = 1, min_frames: int = 3,
                rejoin: float = DEFAULT_REJOIN_S, device: str = "auto",
                threads: int | None = None, log: Callable[[str], None] = quiet,
                progress: Progress | None = None) -> Path | None:
    """Write one JSON line per tracked plate of ``source`` (``PlatesWriter``) to ``output``
    (a file, a folder for the default name, None: standard output), checked before any
    model loads. ``model`` None or ``NO_ENHANCER`` reads the crops as they are. The outcome,
    or on Ctrl-C or an error the lines kept, is said through ``log``; ``progress(src)`` is
    entered around the frames and yields the function called after each one. A track that
    ends waits ``rejoin`` seconds of video for a later track of the same text to join.
    Returns where the lines went (None: standard output)."""
    boxes = read_boxes(boxes_file) if boxes_file is not None else None
    with VideoSource(source) as src:
        target = _target(source, src, output)
        threads = threads or READ_THREADS
        detector = None if boxes is not None else load_detector(detector_name, device, threads)
        pipeline = Pipeline(detector, None if model == NO_ENHANCER else model, reader,
                            policy=policy, detect_every=detect_every,
                            rejoin=round(rejoin * src.fps), device=device, threads=threads)
        with PlatesWriter(target, src.fps, crops_dir, min_frames) as writer:
            start = time.perf_counter()
            try:
                summary = _run(src, pipeline, boxes, writer, progress)
            except KeyboardInterrupt:
                _drain(pipeline, writer)
                log(f"\nInterrupted: {_kept(writer)}")
                raise
            except OutputError:
                log(f"\nStopped early: {_kept(writer)}")
                raise
            except Exception:
                with contextlib.suppress(Exception):
                    _drain(pipeline, writer)
                log(f"\nStopped early: {_kept(writer)}")
                raise
            if summary.frames < min_frames:  # a still image: no track can be long enough
                log(f"{src.name} holds {summary.frames} frame(s): tracks of any length kept")
                writer.min_frames = 1
            _drain(pipeline, writer)
        ms = 1000 * (time.perf_counter() - start) / max(summary.frames, 1)
        skipped = f", skipped {src.skipped} undecodable" if src.skipped else ""
        short = (f" ({writer.left_out} seen in fewer than {min_frames} frames left out; "
                 "a lower --min-frames keeps them)" if writer.left_out else "")
        log(f"{summary.frames} frames{skipped}, {writer.count} plates{short} read with "
            f"{reader} after {pipeline.enhancer.name}, {ms:.0f} ms per frame"
            f"{f' -> {target}' if target else ''}")
    return target


def _target(source: str, src: VideoSource, output: Path | None) -> Path | None:
    """Where the lines go (None: standard output), checked before any model loads."""
    if output is None:
        return None
    target = output / default_plates_output(source).name if output.is_dir() else output
    if src.kind == "file" and target.resolve() == Path(source).resolve():
        raise OutputError(f"{target}: refusing to overwrite the input")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: folder {target.parent} does not exist")
    return target


def _run(src: VideoSource, pipeline: Pipeline, boxes: Boxes | None, writer: PlatesWriter,
         progress: Progress | None) -> Summary:
    summary = Summary()
    with (progress(src) if progress else contextlib.nullcontext()) as on_frame:
        for index, frame in src:
            found = pipeline(frame, boxes.get(index, []) if boxes is not None else None, index)
            for track in pipeline.pop_ended():
                writer.write(track)
            summary.frames += 1
            summary.plates += len(found)
            if on_frame is not None:
                on_frame(summary)
    return summary


def _drain(pipeline: Pipeline, writer: PlatesWriter) -> None:
    """Write the tracks still in view: the video is over or stopped."""
    for track in pipeline.finish():
        writer.write(track)


def _kept(writer: PlatesWriter) -> str:
    where = writer.path or "standard output"
    return f"kept the {writer.count} plate lines written to {where}"
