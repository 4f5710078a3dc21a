#!/bin/bash
# The last device call of an enhancer training (docs/training.md, "On a GPU"): the parts of
# tools/device/pack_enhancer_data.py, copied into $STASH by the calls before (data/plates,
# data/dashcam, scenes), are trained on from the shipped MODEL; the checkpoint (every 45 s
# and at the end) and its ONNX export come back in $OUT. Wheels in $STASH/wheels (packed with
# --wheel, e.g. the font wheels of --fonts) are installed into $SITE (/tmp/site) first.
# Environment: MODEL (unet, resnet, srgan or mfsr), MINUTES (training time), LIMIT (seconds
# before the run is cut), WORKERS, EXTRA (more `plateplug train` options), STASH (/tmp/stash),
# RUN (the run folder, runs/gpu_MODEL).
set -u
cd "$(dirname "$0")/../.."
model=${MODEL:?set MODEL to unet, resnet, srgan or mfsr}
stash=${STASH:-/tmp/stash}
[ -d "$stash/data/plates" ] || { echo "Error: $stash has no data/plates"; exit 2; }
scenes=$stash/scenes
[ -f "$scenes/boxes.csv" ] || scenes=none
echo "$(find "$stash/data" -type f | wc -l) data files, scenes: $scenes"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
if compgen -G "$stash/wheels/*.whl" >/dev/null; then
  site=${SITE:-/tmp/site}
  python3 -m pip install -q --no-index --no-deps --no-compile --upgrade --target "$site" \
    "$stash"/wheels/*.whl || { echo "Error: the wheels in $stash/wheels did not install"; exit 2; }
  export PYTHONPATH=$PWD:$site
  echo "$(find "$stash/wheels" -name '*.whl' | wc -l) wheel(s) installed into $site"
fi
run=${RUN:-runs/gpu_$model}
# the saver holds no output pipe: the call ends when the training does, not up to 45 s later
(while sleep 45; do cp "$run/last.pt" "$OUT/"; done) >/dev/null 2>&1 &
saver=$!
# shellcheck disable=SC2086  # EXTRA holds several options
timeout "${LIMIT:-500}" python3 -m plateplug.cli train "$model" --data "$stash/data" \
  --scenes "$scenes" --init "plateplug/builtin_plugins/$model/$model.onnx" \
  --workers "${WORKERS:-14}" --minutes "${MINUTES:-6}" --out "$run" ${EXTRA:-} \
  > "$OUT/log.txt" 2>&1
status=$?
kill $saver
grep -v '] step ' "$OUT/log.txt" | tail -20; grep '] step ' "$OUT/log.txt" | tail -2
cp "$run/last.pt" "$OUT/" && python3 -m plateplug.cli export "$model" "$run/last.pt" \
  -o "$OUT/$model.onnx"
exit $status
