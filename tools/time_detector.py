"""Where a detector file's time per frame goes, on one thread: the whole call, the graph of
each pass and the verifier, medians over the first 20 dashcam valid frames, 3 rounds.

    python tools/time_detector.py --data ../shared/data FILE.onnx [FILE.onnx ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from plateplug.data.frames import read_frames
from plateplug.detect.onnx_detector import OnnxDetectorModel


class Timed:
    """Wraps a callable (or a session's ``run``) and keeps the seconds of each call."""

    def __init__(self, call: Any):
        self.call, self.seconds = call, []

    def __call__(self, *args: Any) -> Any:
        start = time.perf_counter()
        result = self.call(*args)
        self.seconds.append(time.perf_counter() - start)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    frames = [f.read() for f in read_frames(args.data / "dashcam", "valid")[:20]]
    for model in args.models:
        detector = OnnxDetectorModel(model.stem, model).load("cpu", 1)
        run = Timed(detector.session.run)
        detector.session.run = run
        verifier = detector.verifier = Timed(detector.verifier) if detector.verifier else None
        whole = Timed(detector)
        for _ in range(3):
            for frame in frames:
                whole(frame)
        passes = np.array(run.seconds).reshape(len(whole.seconds), -1)
        parts = ", ".join(f"graph pass {i + 1} {1000 * np.median(p):.1f}"
                          for i, p in enumerate(passes.T))
        ver = (f", verifier {1000 * np.median(verifier.seconds):.1f}"
               if verifier and verifier.seconds else "")  # it runs only when boxes are found
        print(f"{model}: {1000 * np.median(whole.seconds):.1f} ms per frame; {parts}{ver}")


if __name__ == "__main__":
    main()
