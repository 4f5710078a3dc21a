#!/bin/bash
# The last device call of a detector training (docs/detector.md, "Training on a GPU"): the
# parts of tools/device/pack_detector_data.py, copied into $STASH by the calls before, are
# trained on from the shipped detector, in its widths; the checkpoint (every 45 s and at the
# end) and the export come back in $OUT.
# Environment: MINUTES (training time), LIMIT (seconds before the run is cut), LR, WORKERS,
# EXTRA (more `plateplug train-detector` options, e.g. --ema 0.999), STASH (/tmp/stash), RUN
# (the run folder, runs/gpu).
set -u
cd "$(dirname "$0")/../.."
stash=${STASH:-/tmp/stash}
[ -f "$stash/negatives.csv" ] || { echo "Error: $stash has no part0"; exit 2; }
echo "$(find "$stash/scenes/images" -type f | wc -l) scenes frames in $stash"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
run=${RUN:-runs/gpu}
# the saver holds no output pipe: the call ends when the training does, not up to 45 s later
(while sleep 45; do cp "$run/detector.pt" "$OUT/"; done) >/dev/null 2>&1 &
saver=$!
# shellcheck disable=SC2086  # EXTRA holds several options
timeout "${LIMIT:-500}" python3 -m plateplug.cli train-detector --data "$stash/data" \
  --scenes "$stash/scenes" --init plateplug/builtin_plugins/plate_detector/plate_detector.onnx \
  --hard-negatives "$stash/negatives.csv" --ignore-unlabelled "$stash/ignored.csv" \
  --crop 320 --lr "${LR:-1e-3}" --batch 64 --workers "${WORKERS:-14}" \
  --minutes "${MINUTES:-6}" --out "$run" ${EXTRA:-} > "$OUT/log.txt" 2>&1
status=$?
kill $saver
grep -v '^step' "$OUT/log.txt"; grep '^step' "$OUT/log.txt" | tail -2
cp "$run/detector.pt" "$run"/*.onnx "$run"/*.csv "$OUT/" 2>/dev/null
exit $status
