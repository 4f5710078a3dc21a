"""Many videos in one run: each video is one job, done by a ``VideoWorker`` that loads the
enhancer and the detector once and then takes video after video.

``run_here`` does the jobs one after another in this process. ``run_on_ray`` starts
``workers`` VideoWorker actors on Ray (a local Ray runtime, or the cluster at ``address``:
``auto`` or ``ray://host:port``) and lets Ray's ``ActorPool`` hand each video to the next
free worker; progress comes back through a ``ray.util.queue.Queue``. Either way a video that
fails (unreadable, corrupt) is reported in its result and the others go on, and every
output is written atomically (``VideoWriter``).
"""

from __future__ import annotations

import logging
import os
import resource
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from plateplug.errors import PlateplugError
from plateplug.extras import require
from plateplug.models import load_enhancer
from plateplug.runtime import cpu_cores
from plateplug.video.overlay import output_size
from plateplug.video.pipeline import Summary, load_detector, process_video
from plateplug.video.settings import choose, choose_model
from plateplug.video.sources import VideoSource
from plateplug.video.working import AUTO, HeightChoice
from plateplug.video.writer import VideoWriter

BATCH_THREADS = 1  # inference threads per worker: the workers share the cores
PROGRESS_EVERY_S = 2.0
POLL_S = 0.5

Progress = Callable[[int, int, int | None], None]  # job index, frames done, frame count


@dataclass(frozen=True)
class BatchOptions:
    """What every video of a run is processed with (the ``plateplug enhance`` options)."""

    model: str
    device: str = "auto"
    threads: int = BATCH_THREADS
    detector: str | None = None
    layout: str = "inset"
    detect_every: int | None = None
    detect_at_cuts: bool = True
    reuse: bool = True
    max_input_height: HeightChoice = AUTO
    inset_height: int | None = None
    precision: str = "auto"


@dataclass
class VideoResult:
    """The outcome of one job: counts and seconds, or the error that stopped it; the
    warnings raised on the way, the worker's process id and its peak memory so far."""

    index: int
    source: str
    target: str
    frames: int = 0
    plates: int = 0
    seconds: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    worker: int = 0
    peak_memory_mb: float = 0.0


def peak_memory_mb() -> float:
    """The peak resident memory of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class VideoWorker:
    """Loads the enhancer and the detector once (``options.threads`` inference threads);
    ``enhance`` then processes one video at a time."""

    def __init__(self, options: BatchOptions):
        self.options = options
        model = choose_model(options.model, options.precision, options.device)
        self.enhancer = load_enhancer(model, device=options.device, threads=options.threads)
        self.detector = load_detector(options.detector, options.device, options.threads)
        self.pid = os.getpid()

    def enhance(self, index: int, source: str, target: str,
                progress: Progress | None = None) -> VideoResult:
        """Enhance the plates of ``source`` into ``target``; never raises for a bad video:
        the error is in the result."""
        result = VideoResult(index, source, target, worker=self.pid)
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                summary = self._enhance(index, source, target, progress)
                result.frames, result.plates = summary.frames, summary.plates
            except PlateplugError as exc:
                result.error = str(exc)
            except Exception as exc:  # a bad video must not stop the others
                result.error = f"{type(exc).__name__}: {exc}"
        result.warnings = [str(w.message) for w in caught]
        result.seconds = time.perf_counter() - start
        result.peak_memory_mb = peak_memory_mb()
        return result

    def _enhance(self, index: int, source: str, target: str,
                 progress: Progress | None) -> Summary:
        o = self.options
        with VideoSource(source) as src:
            settings = choose(src.fps, src.size[1], src.is_live, detect_every=o.detect_every,
                              detect_at_cuts=o.detect_at_cuts,
                              threads=o.threads, reuse=o.reuse,
                              max_input_height=o.max_input_height, inset_height=o.inset_height)
            on_frame = None
            if progress is not None:
                on_frame = _throttled(lambda s: progress(index, s.frames, src.frame_count))
            with VideoWriter(target, src.fps, output_size(o.layout, src.size)) as writer:
                return process_video(src, writer, self.enhancer, layout=o.layout,
                                     detector=self.detector, on_frame=on_frame,
                                     **settings.pipeline_options())


def _throttled(report: Callable[[Summary], None]) -> Callable[[Summary], None]:
    """``report`` called at most every PROGRESS_EVERY_S seconds."""
    last = [0.0]

    def call(summary: Summary) -> None:
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            report(summary)

    return call


def run_here(jobs: Sequence[tuple[str, str]], options: BatchOptions,
             on_result: Callable[[VideoResult], None],
             progress: Progress | None = None) -> list[VideoResult]:
    """Do the ``(source, target)`` jobs one after another in this process."""
    worker = VideoWorker(options)
    results = []
    for index, (source, target) in enumerate(jobs):
        results.append(worker.enhance(index, source, target, progress))
        on_result(results[-1])
    return results


def start_ray(workers: int, address: str | None) -> tuple[Any, bool]:
    """The ``ray`` module, initialised: connected to ``address`` or a new local runtime
    with at least ``workers`` CPUs; True when this call started it (shut it down after)."""
    ray = require("ray", "ray")
    if ray.is_initialized():
        return ray, False
    quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
    if address:
        ray.init(address=address, **quiet)
    else:
        ray.init(num_cpus=max(workers, cpu_cores()), include_dashboard=False, **quiet)
    return ray, True


def run_on_ray(jobs: Sequence[tuple[str, str]], options: BatchOptions, workers: int,
               address: str | None, on_result: Callable[[VideoResult], None],
               progress: Progress | None = None,
               on_ready: Callable[[float], None] | None = None) -> list[VideoResult]:
    """Do the ``(source, target)`` jobs on ``workers`` Ray actors (one CPU each), each
    video going to the next free one. ``on_ready`` gets the seconds it took to start Ray
    and the workers (models loaded). A worker process that dies is replaced; the video it
    held is reported as failed."""
    start = time.perf_counter()
    ray, started = start_ray(workers, address)
    from ray.util import ActorPool
    from ray.util.queue import Empty, Queue

    try:
        remote_worker = ray.remote(num_cpus=1, max_restarts=0)(_RayWorker)
        queue = Queue(actor_options={"num_cpus": 0})
        actors = [remote_worker.remote(options, queue) for _ in range(workers)]
        try:
            ray.get([actor.ready.remote() for actor in actors])
        except ray.exceptions.RayError as exc:
            raise PlateplugError(f"the Ray workers could not start: {exc}") from None
        if on_ready is not None:
            on_ready(time.perf_counter() - start)
        pool = ActorPool(actors)
        for index, (source, target) in enumerate(jobs):
            pool.submit(lambda actor, job: actor.enhance.remote(*job), (index, source, target))
        results: dict[int, VideoResult] = {}
        while pool.has_next():
            try:
                result = pool.get_next_unordered(timeout=POLL_S)
            except TimeoutError:
                result = None
            except ray.exceptions.RayActorError as exc:
                warnings.warn(f"a Ray worker died ({exc.__class__.__name__}); starting another",
                              RuntimeWarning, stacklevel=2)
                pool.push(remote_worker.remote(options, queue))
                result = None
            while progress is not None:
                try:
                    progress(*queue.get_nowait())
                except Empty:
                    break
            if result is not None:
                results[result.index] = result
                on_result(result)
        for index, (source, target) in enumerate(jobs):
            if index not in results:
                results[index] = VideoResult(index, source, target,
                                             error="its Ray worker died while processing it")
                on_result(results[index])
        return [results[i] for i in range(len(jobs))]
    finally:
        if started:
            ray.shutdown()


class _RayWorker(VideoWorker):
    """A VideoWorker run as a Ray actor: progress goes to a ``ray.util.queue.Queue``."""

    def __init__(self, options: BatchOptions, queue: Any):
        super().__init__(options)
        self.queue = queue

    def ready(self) -> int:
        """Returns once the models are loaded: the worker's process id."""
        return self.pid

    def enhance(self, index: int, source: str, target: str,
                progress: Progress | None = None) -> VideoResult:
        return super().enhance(index, source, target,
                               lambda *done: self.queue.put_nowait(done))
