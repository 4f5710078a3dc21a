"""Where a detector file's time per frame goes, on one thread: the whole call, the graph of
each pass and the verifier, medians over the first 20 dashcam valid frames, 3 rounds. With
``--layers``, also the first pass's graph on its canvas (the file's metadata; 896 x 512 for the
shipped file) by the network's top-level blocks (onnxruntime's profiler, mean of 20 runs after
a warm-up).

    python tools/time_detector.py --data ../shared/data [--layers] FILE.onnx [FILE.onnx ...]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

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


def layer_times(model: Path, canvas: tuple[int, int], runs: int = 20) -> dict[str, float]:
    """Mean ms per run of each top-level block (``/net/<block>/...`` nodes) of one pass on a
    ``canvas`` (W, H) input."""
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.enable_profiling = 1, True
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name:
            np.random.default_rng(0).random((1, 3, canvas[1], canvas[0]), np.float32)}
    for _ in range(runs + 1):
        session.run(None, feed)
    trace = Path(session.end_profiling())
    nodes = [e for e in json.loads(trace.read_text())
             if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")]
    trace.unlink()
    blocks: Counter[str] = Counter()
    for event in nodes[len(nodes) // (runs + 1):]:  # the warm-up run left out
        parts = event["name"].split("/")
        blocks[parts[2] if len(parts) > 3 else "other"] += event["dur"] / 1000 / runs
    return dict(blocks.most_common())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--layers", action="store_true",
                        help="also the first pass's time by top-level block")
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
        if args.layers:
            blocks = layer_times(model, detector.canvases()[0])
            total = sum(blocks.values())
            print("  first pass by block: " + ", ".join(
                f"{name} {ms:.1f} ({ms / total:.0%})" for name, ms in blocks.items()))


if __name__ == "__main__":
    main()
