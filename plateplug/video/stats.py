"""Where a video's time goes: seconds spent per stage (decode, detect, enhance, draw, crops,
encode) in one run.

Decoding and encoding of files run in background threads (``background.py``) beside the
other stages, so the stage times add up to more than the wall time when they overlap.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

STAGES = ("decode", "detect", "enhance", "draw", "crops", "encode")
F = TypeVar("F", bound=Callable[..., Any])


class StageTimes:
    """Seconds per stage added up over a run, and the calls of each ``timed`` function."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.calls: dict[str, int] = dict.fromkeys(STAGES, 0)

    def add(self, stage: str, seconds: float) -> None:
        """Add ``seconds`` to ``stage``."""
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def timed(self, stage: str, function: F) -> F:
        """``function`` wrapped so that each call's wall time is added to ``stage``."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.calls[stage] = self.calls.get(stage, 0) + 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(stage, time.perf_counter() - start)

        return wrapper  # type: ignore[return-value]

    def as_dict(self) -> dict[str, float]:
        """Seconds per stage, rounded to 0.1 ms, for JSON."""
        return {k: round(v, 4) for k, v in self.seconds.items()}
