"""The defaults of ``plateplug enhance VIDEO``, chosen for the source; each can be set.

* detector cadence: detect about every ``DETECT_INTERVAL_S`` seconds of video (every 4th
  frame at 10 fps, every 10th at 25 fps), the tracker moving the boxes on in between, and
  at once on a frame that starts a new shot (``cadence.py``). Measured on
  ``examples/street.mp4`` (docs/video.md): every 8th, 10th and 12th frame with cuts read
  0.743, 0.767 and 0.626 of the labelled output crops, so 0.4 s sits below a cliff;
* inference threads: the CPU cores left once decoding and encoding have theirs (files
  decode ahead and encode behind in two background threads, cameras and streams decode
  in the main thread), at most ``MAX_THREADS`` (these small models gain little from more);
* crop reuse: on (``ReusePolicy``), a result standing for at most one second of video;
* working height: the model's declared ``max_input_height``;
* inset height: ``INSET_SHARE`` of the frame height, at least ``MIN_INSET_HEIGHT`` px;
* precision: on a CPU, the model's int8 copy (``NAME-int8``) when one is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plateplug.errors import PlateplugError
from plateplug.metadata import PRECISIONS as METADATA_PRECISIONS
from plateplug.models import INT8_SUFFIX, enhancers
from plateplug.runtime import cpu_cores, runs_on_cpu
from plateplug.video.reuse import ReusePolicy
from plateplug.video.working import AUTO, HeightChoice

DETECT_INTERVAL_S = 0.4
MAX_DETECT_EVERY = 12
MAX_THREADS = 4
INSET_SHARE = 0.15
MIN_INSET_HEIGHT = 48
PRECISIONS = ("auto", *METADATA_PRECISIONS)


@dataclass(frozen=True)
class VideoSettings:
    """How a video is processed: detector cadence (every N frames, and at scene cuts),
    inference threads, crop reuse (None: enhance every crop of every frame), working
    height choice and inset height (pixels; None: the enhanced crop at its own size)."""

    detect_every: int = 1
    detect_at_cuts: bool = True
    threads: int = 1
    reuse: ReusePolicy | None = None
    max_input_height: HeightChoice = AUTO
    inset_height: int | None = None

    def pipeline_options(self) -> dict[str, Any]:
        """The keyword arguments of ``process_video`` these settings stand for."""
        return {"detect_every": self.detect_every, "detect_at_cuts": self.detect_at_cuts,
                "reuse": self.reuse, "max_input_height": self.max_input_height,
                "inset_height": self.inset_height}

    def describe(self, working_height: int | None) -> str:
        """One line for people: what was chosen (``working_height``: the resolved limit)."""
        every = "every frame" if self.detect_every == 1 else f"every {self.detect_every} frames"
        if self.detect_every > 1 and self.detect_at_cuts:
            every += " and at cuts"
        height = f"{working_height} px" if working_height else "full size"
        return (f"detect {every}, {self.threads} inference thread"
                f"{'s' if self.threads > 1 else ''}, enhance at {height}, reuse "
                f"{'on' if self.reuse else 'off'}, inset {self.inset_height or 'own size'}"
                f"{' px' if self.inset_height else ''}")


def auto_detect_every(fps: float) -> int:
    """Frames between detections: about DETECT_INTERVAL_S of video, 1..MAX_DETECT_EVERY."""
    return max(1, min(MAX_DETECT_EVERY, round(fps * DETECT_INTERVAL_S)))


def auto_threads(live: bool) -> int:
    """Inference threads: the cores not taken by decoding (and, for files, encoding)."""
    return max(1, min(MAX_THREADS, cpu_cores() - (1 if live else 2)))


def auto_inset_height(frame_height: int) -> int:
    """Inset height for frames ``frame_height`` pixels high."""
    return max(MIN_INSET_HEIGHT, round(frame_height * INSET_SHARE))


def auto_reuse(fps: float) -> ReusePolicy:
    """The reuse policy for a video of ``fps``: a result stands for at most a second."""
    return ReusePolicy(max_age=max(1, round(fps)))


def choose(fps: float, frame_height: int, live: bool, *, detect_every: int | None = None,
           detect_at_cuts: bool = True, threads: int | None = None, reuse: bool = True,
           max_input_height: HeightChoice = AUTO,
           inset_height: int | None = None) -> VideoSettings:
    """The settings for a source of ``fps`` and ``frame_height`` (``live``: a camera or a
    stream), the given values kept and the others (None) chosen as the module says."""
    return VideoSettings(
        detect_every=detect_every or auto_detect_every(fps),
        detect_at_cuts=detect_at_cuts,
        threads=threads or auto_threads(live),
        reuse=auto_reuse(fps) if reuse else None,
        max_input_height=max_input_height,
        inset_height=inset_height or auto_inset_height(frame_height),
    )


def choose_model(name: str, precision: str, device: str) -> str:
    """The enhancer to load for ``name``: its int8 copy ``NAME-int8`` for ``precision``
    int8 (PlateplugError when none is installed), or for auto when it is installed and
    ``device`` means the CPU; else ``name`` itself."""
    if precision not in PRECISIONS:
        raise PlateplugError(f"unknown precision {precision!r}; use one of "
                             f"{', '.join(PRECISIONS)}")
    if precision == "fp32" or name.endswith(INT8_SUFFIX):
        return name
    copy = enhancers().get(name + INT8_SUFFIX)
    ready = copy is not None and copy.item.unavailable_reason() is None
    if precision == "int8" and not ready:
        raise PlateplugError(f"enhancer {name!r} has no int8 copy installed "
                             f"({name + INT8_SUFFIX}; make one with `plateplug quantize`)")
    return name + INT8_SUFFIX if ready and (precision == "int8" or runs_on_cpu(device)) else name
