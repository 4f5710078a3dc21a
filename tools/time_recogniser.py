"""The cost of the text losses' reader in training: RapidOCR's recogniser run as torch
operations (``plateplug.train.onnx_torch``), one forward and backward pass on a batch of
random plates 48 px high, one torch thread; the median of ``--rounds`` after a warm-up.
Run it at two commits to compare them.

    python tools/time_recogniser.py [--recognizer FILE.onnx] [--batch 16] [--width 160]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from plateplug.train.ctc_loss import load_ctc_loss
from plateplug.train.ocr_teacher import INPUT_HEIGHT, TEACHER


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recognizer", default=TEACHER, help="'rapidocr' or its .onnx file")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    network = load_ctc_loss(args.recognizer).network
    plates = torch.rand(args.batch, 3, INPUT_HEIGHT, args.width)
    seconds = []
    for _ in range(args.rounds + 1):
        x = plates.clone().requires_grad_(True)
        start = time.perf_counter()
        out = network(x)
        (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds[1:]) * 1000
    print(f"{len(network.nodes)} nodes, {args.batch} x 3 x {INPUT_HEIGHT} x {args.width}: "
          f"{median:.0f} ms per forward and backward pass (median of {args.rounds})")


if __name__ == "__main__":
    main()
