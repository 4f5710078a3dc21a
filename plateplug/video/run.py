"""Enhance the plates of one video file, camera or stream into a new video: the function
behind ``plateplug enhance VIDEO``, with its ``--stats`` file."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import FrameType

from plateplug.enhancer import Enhancer
from plateplug.imageio import write_bytes_atomic
from plateplug.models import load_enhancer
from plateplug.video.boxes import read_boxes
from plateplug.video.crops import CropWriter
from plateplug.video.outputs import check_outputs, output_path
from plateplug.video.overlay import output_size
from plateplug.video.pipeline import DEFAULT_MARGIN, Summary, load_detector, process_video
from plateplug.video.settings import choose, choose_model
from plateplug.video.sources import VideoSource
from plateplug.video.stats import StageTimes
from plateplug.video.working import AUTO, HeightChoice, resolve_max_height
from plateplug.video.writer import VideoWriter

OnFrame = Callable[[Summary], None]
# a progress display: entered around the frames of a source, it yields the function to call
# after each frame (or None)
Progress = Callable[[VideoSource], AbstractContextManager[OnFrame | None]]


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived (``timeout``, ``docker stop``, systemd): handled like Ctrl-C."""


def quiet(message: str) -> None:
    """The default ``log`` of the functions that run a whole video: say nothing."""


def run_video(source: str, output: Path | None, enhancer: Enhancer | str, *,
              layout: str = "inset",
              crops_dir: Path | None = None, boxes_file: Path | None = None,
              detector_name: str | None = None, device: str = "auto",
              threads: int | None = None, margin: float = DEFAULT_MARGIN,
              detect_every: int | None = None, detect_at_cuts: bool = True,
              reuse: bool = True,
              max_input_height: HeightChoice = AUTO, inset_height: int | None = None,
              precision: str = "auto", stats_file: Path | None = None,
              log: Callable[[str], None] = quiet,
              progress: Progress | None = None) -> Path:
    """Enhance every plate of a video file, camera or stream into ``output`` (a video of
    the same size and fps; twice as wide for side-by-side; None or a folder: see
    ``output_path``). ``enhancer`` may be a model name, loaded once the source, boxes and
    output paths are known to be good (its int8 copy on a CPU with ``precision`` auto, see
    ``choose_model``). The detector cadence, inference threads and inset
    height (None: chosen for the source, see ``plateplug.video.settings``), crop reuse and
    the working height are said once through ``log``, and so is the outcome;
    ``progress(src)`` is entered around the frames and yields the function called after
    each one; ``stats_file`` receives the seconds per stage. On Ctrl-C, or SIGTERM (in the
    main thread: raised as :class:`Terminated`), the frames done are kept as a partial
    video, said through ``log``, and the interrupt goes on. Returns the output path."""
    boxes = read_boxes(boxes_file) if boxes_file is not None else None
    with _sigterm_as_interrupt(), VideoSource(source) as src:
        target = output_path(source, output)
        inputs = [Path(source)] if src.kind == "file" else []
        check_outputs(target, crops_dir, inputs + ([boxes_file] if boxes_file else []))
        settings = choose(src.fps, src.size[1], src.is_live, detect_every=detect_every,
                          detect_at_cuts=detect_at_cuts,
                          threads=threads, reuse=reuse, max_input_height=max_input_height,
                          inset_height=inset_height)
        writer = VideoWriter(target, src.fps, output_size(layout, src.size))
        times = StageTimes()
        try:
            with writer, contextlib.ExitStack() as stack:
                detector = (None if boxes is not None
                            else load_detector(detector_name, device, settings.threads))
                if isinstance(enhancer, str):
                    enhancer = load_enhancer(choose_model(enhancer, precision, device),
                                             device=device, threads=settings.threads)
                crops = (stack.enter_context(CropWriter(crops_dir, src.fps))
                         if crops_dir else None)
                height = resolve_max_height(settings.max_input_height, enhancer)
                log(f"{enhancer.name}: {settings.describe(height)}")
                start = time.perf_counter()
                with (progress(src) if progress else contextlib.nullcontext()) as on_frame:
                    summary = process_video(src, writer, enhancer, layout=layout,
                                            detector=detector, boxes=boxes, margin=margin,
                                            crops=crops, on_frame=on_frame, times=times,
                                            **settings.pipeline_options())
        except KeyboardInterrupt as exc:
            log(f"{'Terminated' if isinstance(exc, Terminated) else 'Interrupted'}: "
                f"{_kept(writer)}")
            raise
        except Exception:
            if writer.partial is not None:
                log(f"Stopped early: {_kept(writer)}")
            raise
        run_seconds = time.perf_counter() - start
        skipped = f", skipped {src.skipped} undecodable" if src.skipped else ""
        saved = f", {crops.count} crops in {crops_dir}" if crops else ""
        reused = f" ({summary.reused} shown again unchanged)" if summary.reused else ""
        log(f"{summary.frames} frames{skipped}, {summary.plates} plates enhanced with "
            f"{enhancer.name}{reused} -> {target}{saved}")
        if stats_file is not None:
            times.add("decode", src.decode_seconds or 0.0)
            times.add("encode", writer.encode_seconds)
            write_stats(stats_file, summary, times, run_seconds, settings.describe(height))
    return target


def write_stats(path: Path, summary: Summary, times: StageTimes, run_seconds: float,
                settings: str) -> None:
    """The ``--stats`` JSON: counts (frames the detector ran on among them), the seconds
    from the first frame to the closed output (``run``) and per stage, and the settings
    line."""
    record = {"frames": summary.frames, "detections": times.calls["detect"],
              "plates": summary.plates,
              "crops_enhanced": summary.enhanced, "crops_reused": summary.reused,
              "run_seconds": round(run_seconds, 4), "stage_seconds": times.as_dict(),
              "settings": settings}
    write_bytes_atomic(path, (json.dumps(record, indent=1) + "\n").encode())


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Raise :class:`Terminated` in the main thread on the first SIGTERM and ignore later
    ones (so that the partial video is finished); restore the previous handler on exit.
    Outside the main thread, where no handler can be installed, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _kept(writer: VideoWriter) -> str:
    if writer.partial is None:
        return "no frames were written"
    return f"kept the {writer.frames} frames done in {writer.partial}"
