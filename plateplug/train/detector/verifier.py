"""Train the verifier of a detector file (``plateplug train-verifier``) and choose the two
thresholds on real train frames.

1. Proposals: the detector alone (no verifier), down to PROPOSAL_FLOOR, on every dashcam
   train frame and scenes train photo. A proposal overlapping a label at IoU >= 0.5 is a
   plate, one overlapping every label below 0.2 (and no region of ``ignored``: plates the
   dashcam labels miss) is not; the ones between are left out. Every labelled box is a plate
   sample too.
2. Thresholds: the frames are split in two by index; a verifier trained on each half scores
   the proposals of the other, so that no proposal is scored by a network that saw it. The
   detector score threshold and the verifier threshold are the pair with the best F1 at IoU
   0.5 on all train frames (table kept beside the model, with each source's F1: dashcam and
   each source of the scenes photos). Validation frames are never used.
   The proposals are the passes already merged, so the table is close to, not exactly, what
   the detector does with its verifier (which checks each pass's boxes before the merge).
3. The verifier trained on all frames is exported beside the detector file, and the detector's
   metadata is pointed at it (``plateplug.verifier``) with the chosen thresholds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from plateplug.data.boxes import greedy_match, iou
from plateplug.data.frames import Frame, read_frames
from plateplug.detect.detection import Detection
from plateplug.detect.verifier import CONTEXT, CROP_SIZE, VerifierMetadata, context_crop
from plateplug.errors import PlateplugError
from plateplug.imageio import write_bytes_atomic
from plateplug.train.archs.plateverifier_arch import (
    CHANNEL_ORDER,
    MEAN,
    STD,
    WIDTHS,
    Deployed,
    PlateVerifier,
)
from plateplug.train.detector.calibrate import CANDIDATES, Row, set_metadata
from plateplug.train.detector.export import export_graph
from plateplug.train.detector.unlabelled import mining_detector, read_boxes
from plateplug.train.memory import keep_freed_memory

PROPOSAL_FLOOR = 0.3
POSITIVE_IOU, NEGATIVE_IOU = 0.5, 0.2
IGNORED_IOU = 0.1
DETECTOR_THRESHOLDS = tuple(t for t in CANDIDATES if t >= PROPOSAL_FLOOR)
VERIFIER_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.0, 0.96, 0.05))  # 0: no verifier
ONNX_NAME = "plate_verifier.onnx"
TABLE_NAME = "verifier_thresholds.csv"
VERSION = "1"
PLATE, BACKGROUND, UNSURE = 1, 0, -1


@dataclass
class Config:
    """What ``plateplug train-verifier`` passes in."""

    data: Path
    detector: Path
    scenes: Path | None = None
    ignored: Path | None = None
    size: tuple[int, int] = CROP_SIZE  # W, H of the crops
    context: float = CONTEXT
    widths: tuple[int, ...] = WIDTHS  # channels of the conv blocks
    steps: int = 1500
    batch: int = 64
    lr: float = 2e-3
    threads: int = 1
    seed: int = 0


@dataclass
class Samples:
    """Crops (N x H x W x 3 uint8) with their label, frame index and, for proposals, the box
    and detector score (score -1 for labelled boxes, which are no proposals)."""

    crops: np.ndarray
    labels: np.ndarray
    frames: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray

    @property
    def proposals(self) -> np.ndarray:
        return self.scores >= 0


def label_proposals(boxes: np.ndarray, truth: np.ndarray, ignored: np.ndarray) -> np.ndarray:
    """PLATE, BACKGROUND or UNSURE for each proposal (see the module doc)."""
    best = iou(boxes, truth).max(axis=1) if len(truth) else np.zeros(len(boxes))
    labels = np.where(best >= POSITIVE_IOU, PLATE,
                      np.where(best < NEGATIVE_IOU, BACKGROUND, UNSURE))
    if len(ignored):
        labels[(labels == BACKGROUND) & (iou(boxes, ignored).max(axis=1) > IGNORED_IOU)] = UNSURE
    return labels


def collect(detector: Callable[[np.ndarray], list[Detection]], frames: list[Frame],
            ignored: dict[Path, np.ndarray], size: tuple[int, int] = CROP_SIZE,
            context: float = CONTEXT) -> tuple[Samples, list[np.ndarray]]:
    """The samples of ``frames`` (crops of ``size`` with ``context``) and the true boxes of
    each frame."""
    crops, labels, index, boxes, scores, truths = [], [], [], [], [], []
    for i, frame in enumerate(frames):
        image, truth = frame.read(), frame.box_array()
        found = detector(image)
        proposed = np.array([d.box for d in found], np.float32).reshape(-1, 4)
        labels += list(label_proposals(proposed, truth,
                                       ignored.get(frame.path, np.zeros((0, 4)))))
        labels += [PLATE] * len(truth)
        scores += [d.score for d in found] + [-1.0] * len(truth)
        for box in [*proposed, *truth]:
            crops.append(context_crop(image, box, size, context))
            boxes.append(box)
            index.append(i)
        truths.append(truth)
    return Samples(np.stack(crops), np.array(labels), np.array(index),
                   np.array(boxes, np.float32).reshape(-1, 4), np.array(scores)), truths


def fit(crops: np.ndarray, labels: np.ndarray, config: Config) -> PlateVerifier:
    """A verifier trained on ``crops`` (labels 0/1): Adam with one-cycle learning rate,
    random brightness, contrast and horizontal shifts."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    net = PlateVerifier(config.widths)
    optimiser = torch.optim.Adam(net.parameters(), lr=config.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, config.lr,
                                                   total_steps=config.steps)
    images = torch.from_numpy(crops).permute(0, 3, 1, 2)
    targets = torch.from_numpy(labels.astype(np.float32))
    net.train()
    for _ in range(config.steps):
        pick = torch.from_numpy(rng.integers(0, len(crops), config.batch))
        x = images[pick].float() / 255
        gain = torch.empty(len(pick), 1, 1, 1).uniform_(0.6, 1.4)
        x = x * gain + torch.empty(len(pick), 1, 1, 1).uniform_(-0.15, 0.15)
        x = torch.roll(x, int(rng.integers(-4, 5)), dims=3)
        loss = nn.functional.binary_cross_entropy_with_logits(net(x), targets[pick])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
    return net.eval()


def probabilities(net: PlateVerifier, crops: np.ndarray, batch: int = 512) -> np.ndarray:
    """Plate probability of each crop."""
    with torch.no_grad():
        return np.concatenate([
            torch.sigmoid(net(torch.from_numpy(crops[i:i + batch]).permute(0, 3, 1, 2)
                              .float() / 255)).numpy()
            for i in range(0, len(crops), batch)]) if len(crops) else np.zeros(0)


def out_of_fold(samples: Samples, config: Config, log: Callable[[str], None]) -> np.ndarray:
    """Each proposal's probability from the verifier trained on the other half of the
    frames (NaN for labelled boxes)."""
    result = np.full(len(samples.labels), np.nan)
    for fold in (0, 1):
        own = samples.frames % 2 == fold
        train = ~own & (samples.labels != UNSURE)
        net = fit(samples.crops[train], samples.labels[train], config)
        scored = own & samples.proposals
        result[scored] = probabilities(net, samples.crops[scored])
        log(f"fold {fold + 1}/2: trained on {train.sum()} crops, scored {scored.sum()}")
    return result


Table = list[tuple[float, Row]]  # (verifier threshold, Row at a detector threshold)


@dataclass
class PairCounts:
    """Per pair of thresholds (verifier, detector) and per frame: proposals kept, and kept
    proposals matched to a label; and each frame's number of labels."""

    pairs: list[tuple[float, float]]
    found: np.ndarray  # pairs x frames
    matched: np.ndarray
    labels: np.ndarray  # frames

    def table(self, frames: np.ndarray | None = None) -> Table:
        """The rows over ``frames`` (indices; default all)."""
        pick = slice(None) if frames is None else frames
        total = int(self.labels[pick].sum())
        found, matched = self.found[:, pick].sum(axis=1), self.matched[:, pick].sum(axis=1)
        return [(low, Row(threshold, m / max(total, 1), m / max(f, 1),
                          2 * m / max(total + f, 1)))
                for (low, threshold), f, m in zip(self.pairs, found, matched, strict=True)]


def pair_counts(samples: Samples, verified: np.ndarray, truths: list[np.ndarray]
                ) -> PairCounts:
    """Count every pair of thresholds on every frame; ``verified`` holds the proposals'
    probabilities. Each frame's proposals are ranked and overlapped with its labels once;
    every pair only selects rows."""
    proposals = np.flatnonzero(samples.proposals)
    pairs = [(low, t) for low in VERIFIER_THRESHOLDS for t in DETECTOR_THRESHOLDS]
    found = np.zeros((len(pairs), len(truths)), int)
    matched = np.zeros_like(found)
    for i, truth in enumerate(truths):
        picks = proposals[samples.frames[proposals] == i]
        picks = picks[np.argsort(-samples.scores[picks], kind="stable")]  # best first
        scores, probabilities = samples.scores[picks], verified[picks]
        overlaps = iou(samples.boxes[picks], truth)
        for k, (low, threshold) in enumerate(pairs):
            kept = (scores >= threshold) & (probabilities >= low)
            found[k, i] = int(kept.sum())
            matched[k, i] = int(greedy_match(overlaps[kept]).sum())
    return PairCounts(pairs, found, matched, np.array([len(t) for t in truths]))


def source_tables(counts: PairCounts, sources: list[str]) -> dict[str, Table]:
    """The table of each source's frames (``sources``: one name per frame)."""
    names = np.array(sources)
    return {name: counts.table(np.flatnonzero(names == name)) for name in sorted(set(sources))}


def pick_pair(table: Table) -> int:
    """The index of the pair with the best F1; on a tie the lowest detector, then verifier
    threshold."""
    return max(range(len(table)), key=lambda k: (table[k][1].f1, -table[k][1].threshold,
                                                 -table[k][0]))


def write_joint_table(path: Path, table: Table, by_source: dict[str, Table]) -> None:
    """Save the table as CSV, with the F1 of each source."""
    lines = [",".join(["score_threshold,verifier_threshold,recall,precision,f1",
                       *(f"f1_{name}" for name in by_source)])]
    for k, (low, r) in enumerate(table):
        lines.append(",".join([f"{r.threshold},{low},{r.recall:.4f},{r.precision:.4f},"
                               f"{r.f1:.4f}", *(f"{rows[k][1].f1:.4f}"
                                                for rows in by_source.values())]))
    write_bytes_atomic(path, ("\n".join(lines) + "\n").encode())


def export_verifier(net: PlateVerifier, path: Path, training_data: str,
                    size: tuple[int, int] = CROP_SIZE, context: float = CONTEXT) -> Path:
    """Write ``net`` (dynamic batch, crops of ``size`` with ``context``) with its
    VerifierMetadata to ``path`` atomically."""
    meta = VerifierMetadata(
        name="plateplug-verifier", input_size=size, context=context,
        channel_order=CHANNEL_ORDER, mean=MEAN, std=STD,
        architecture=f"PlateVerifier ({len(net.widths)} conv blocks, "
                     f"{'-'.join(map(str, net.widths))} channels)",
        parameters=sum(p.numel() for p in net.parameters()), version=VERSION,
        training_data=training_data)
    w, h = size
    return export_graph(Deployed(net).eval(), torch.zeros(1, 3, h, w), path, meta.to_props(),
                        outputs={"plate": {0: "batch"}})


def train_frames(config: Config) -> tuple[list[Frame], list[str], dict[Path, np.ndarray]]:
    """Dashcam train frames and scenes train photos, the source of each, and the ignored
    regions of the former."""
    dashcam = read_frames(config.data / "dashcam", "train")
    ignored = read_boxes(config.ignored, dashcam) if config.ignored else {}
    scenes = read_frames(config.scenes, "train") if config.scenes else []
    sources = ["dashcam"] * len(dashcam) + [f.source or "scenes" for f in scenes]
    return dashcam + scenes, sources, ignored


def train_verifier(config: Config, log: Callable[[str], None] = print) -> Path:
    """Train, choose the thresholds, export beside the detector and point it there."""
    torch.set_num_threads(config.threads)
    keep_freed_memory()
    start = time.monotonic()
    frames, sources, ignored = train_frames(config)
    if len(frames) < 2:
        raise PlateplugError(f"train-verifier needs at least 2 train frames, found {len(frames)}")
    detector = mining_detector(config.detector, PROPOSAL_FLOOR)
    samples, truths = collect(detector, frames, ignored, config.size, config.context)
    counts = {name: int((samples.labels == label).sum())
              for name, label in (("plate", PLATE), ("background", BACKGROUND),
                                  ("unsure", UNSURE))}
    log(f"{len(frames)} train frames: {samples.proposals.sum()} proposals; crops {counts}")
    verified = out_of_fold(samples, config, log)
    tally = pair_counts(samples, verified, truths)
    table, by_source = tally.table(), source_tables(tally, sources)
    out = config.detector.parent
    write_joint_table(out / TABLE_NAME, table, by_source)
    chosen = pick_pair(table)
    low, best = table[chosen]
    alone = max((r for v, r in table if v == 0), key=lambda r: r.f1)
    per_source = ", ".join(
        f"{name} {rows[chosen][1].recall:.3f} / {rows[chosen][1].precision:.3f}"
        for name, rows in by_source.items())
    log(f"thresholds: score {best.threshold}, verifier {low} (F1 {best.f1:.3f}, recall "
        f"{best.recall:.3f}, precision {best.precision:.3f} on train frames; per source "
        f"recall / precision: {per_source}; the detector alone: best F1 {alone.f1:.3f} at "
        f"{alone.threshold}); table in {out / TABLE_NAME}")
    labelled = samples.labels != UNSURE
    net = fit(samples.crops[labelled], samples.labels[labelled], config)
    path = export_verifier(net, out / ONNX_NAME, detector.metadata.training_data, config.size,
                           config.context)
    attached = low > 0  # 0: the detector does best alone
    set_metadata(config.detector, {"score_threshold": str(best.threshold),
                                   "verifier": ONNX_NAME if attached else None,
                                   "verifier_threshold": str(low) if attached else None})
    log(f"exported {path}; {config.detector} " + ("now uses it" if attached else
        "does best without it: not attached") + f" ({(time.monotonic() - start) / 60:.1f} min)")
    return path
