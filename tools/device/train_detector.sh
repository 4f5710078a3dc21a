#!/bin/bash
# The last device call of a detector training (docs/detector.md, "Training on a GPU"): the
# parts of tools/device/pack_detector_data.py, copied into /tmp/stash by the calls before,
# are trained on from the shipped detector; the checkpoint and the export come back in $OUT.
# Environment: MINUTES (training time), LIMIT (seconds before the run is cut), LR, WORKERS.
set -u
cd "$(dirname "$0")/../.."
stash=/tmp/stash
[ -f $stash/negatives.csv ] || { echo "Error: $stash has no part0"; exit 2; }
echo "$(ls $stash/scenes/images | wc -l) scenes frames in $stash"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
# the saver holds no output pipe: the call ends when the training does, not up to 45 s later
(while sleep 45; do cp runs/gpu/detector.pt "$OUT/"; done) >/dev/null 2>&1 &
saver=$!
D=plateplug/builtin_plugins/plate_detector/plate_detector.onnx
timeout "${LIMIT:-500}" python3 -m plateplug.cli train-detector --data $stash/data \
  --scenes $stash/scenes --init $D --hard-negatives $stash/negatives.csv \
  --ignore-unlabelled $stash/ignored.csv --crop 320 --lr "${LR:-1e-3}" --batch 64 \
  --workers "${WORKERS:-14}" --neck 64 --deep 128 --minutes "${MINUTES:-6}" --out runs/gpu \
  > "$OUT/log.txt" 2>&1
kill $saver
grep -v '^step' "$OUT/log.txt"; grep '^step' "$OUT/log.txt" | tail -2
cp runs/gpu/detector.pt runs/gpu/*.onnx runs/gpu/*.csv "$OUT/" 2>/dev/null
