#!/usr/bin/env bash
# Where a job's time goes outside training (issue 8 item 4): exports the models (bench/zoo_export.py,
# 3x64x64, opset 13) and runs one whole QatJob per model with io.qforge.bench.JobProbe: 1 QAT epoch,
# batch 32, 4 calibration batches, eval batch 32, 512 train / 256 test random images. JobProbe prints
# per phase seconds and RSS and the seconds of each step inside the phases ("steps"); one JSON line per
# model goes to target/zoo/phases-<tag>.jsonl.
# Usage: bench/phases.sh TAG [models...]   (default models: efficientnet_b0 resnet18 mobilenet_v2)
# CLASSES="dir1:dir2" runs other compiled classes (e.g. a copy of an earlier commit's target/classes
# and target/test-classes) with the same classpath of dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
TAG=${1:?tag}; shift
MODELS=${*:-"efficientnet_b0 resnet18 mobilenet_v2"}
OUT=target/zoo; mkdir -p "$OUT"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
[ -f "$OUT/cp.txt" ] || ./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
for m in $MODELS; do
  [ -f "$OUT/${m}_13.onnx" ] || /usr/bin/python3 bench/zoo_export.py "$OUT" 13 64 "$m" >> "$OUT/export-13.jsonl"
  echo "== $m $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  java -Xmx3g -cp "${CLASSES:-target/test-classes:target/classes}:$(cat "$OUT/cp.txt")" io.qforge.bench.JobProbe \
    "$OUT/${m}_13.onnx" "$OUT/rand64.npz" 1 32 4 32 2> "$OUT/$m-phases-$TAG.log" | grep '^{' | tee -a "$OUT/phases-$TAG.jsonl"
  echo "   done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
