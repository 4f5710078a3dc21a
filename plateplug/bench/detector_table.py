"""The rows ``plateplug bench-detector`` prints: one JSON object or text table per set."""

from __future__ import annotations

from plateplug.bench.detector import HEIGHT_BANDS, Counts

ALL = "all"
HEADER = (f"{'detector':<14} {'source':<11} {'images':>6} {'plates':>6} {'found':>6} "
          f"{'recall':>6} {'precision':>9} {'boxes/img':>9} {'1-plate':>7} "
          + " ".join(f"{'R ' + label:>16}" for _, _, label in HEIGHT_BANDS) + f" {'ms/frame':>8}")


def json_row(detector: str, set_name: str, counts: Counts, ms: float) -> dict[str, object]:
    """The summary of ``detector`` on ``set_name``, with one summary per image source."""
    return {"detector": detector, "set": set_name, **counts.summary(),
            "by_image_source": {source: counts.by_image_source[source].summary()
                                for source in sorted(counts.by_image_source)},
            "ms_per_frame": round(ms, 2), "fps": round(1000 / ms, 1)}


def text_rows(detector: str, counts: Counts, ms: float, unlabelled: bool = False) -> list[str]:
    """Table rows (see HEADER) of ``detector``: all images, then each image source when
    there are several; then recall by plate source when plates come from other sources
    than their images (pasted plates); with ``unlabelled``, the precision with the boxes on
    plates the labels miss left out."""
    rows = [_row(detector, ALL, counts, f"{ms:8.1f}")]
    if len(counts.by_image_source) > 1:
        rows += [_row("", source, counts.by_image_source[source], "")
                 for source in sorted(counts.by_image_source)]
    if unlabelled:
        parts = [(ALL, counts)]
        if len(counts.by_image_source) > 1:
            parts += sorted(counts.by_image_source.items())
        rows.append(f"{'':14} boxes on plates the labels miss, left out: " + "  ".join(
            f"{source} {c.on_unlabelled} (precision {c.precision_unlabelled_left_out:.3f})"
            for source, c in parts))
    if set(counts.by_source) - set(counts.by_image_source):
        rows.append(f"{'':14} recall by plate source: " + "  ".join(
            f"{source} {counts.by_source[source][1]}/{counts.by_source[source][0]} = {value:.3f}"
            for source, value in counts.recall_by_source().items()))
    return rows


def _row(detector: str, source: str, counts: Counts, ms: str) -> str:
    one = counts.boxes_per_one_plate_image
    bands = []
    for _, _, label in HEIGHT_BANDS:
        truths, matched = counts.by_height.get(label, [0, 0])
        bands.append(f"{matched / truths:.3f} ({matched}/{truths})" if truths else "-")
    return (f"{detector:<14} {source:<11} {counts.frames:6d} {counts.truths:6d} "
            f"{counts.detections:6d} {counts.recall:6.3f} {counts.precision:9.3f} "
            f"{counts.boxes_per_image:9.2f} {'-' if one is None else f'{one:.2f}':>7} "
            + " ".join(f"{band:>16}" for band in bands) + f" {ms:>8}").rstrip()
