#!/usr/bin/env bash
# Training speed side by side (issue 9): for each torchvision 0.14 model (random weights, 10 classes,
# 3xSIZExSIZE, exported by bench/zoo_export.py), in one run: PyTorch 1.13 FP32 and FX QAT
# (prepare_qat_fx, onednn qconfig mapping) median step (bench/torch_zoo_step.py), then qforge FP32
# and QAT (default W8A8, observers on) median step with the per-op profile
# (io.qforge.bench.QatStepProfile), same batch, threads and random data shape. Prints both
# per-op tables and a summary table: images/s both sides, ratio qforge/PyTorch, QAT/FP32 step, and
# the median process CPU ms of a step on each side (all threads; on a loaded machine the wall-time
# ratio mostly measures who got the cores, the CPU-time ratio is closer to the work done).
# Both sides run with OMP_NUM_THREADS=2 and OMP_WAIT_POLICY=PASSIVE (on a shared machine an
# active-waiting OpenMP made PyTorch 2-20x slower; qforge always runs passive).
# Usage: bench/speed.sh [batch=32] [steps=20] [models...]   (default: regnet_y_400mf efficientnet_b0)
# SKIP_BUILD=1 uses the classes and target/zoo/cp.txt already built.
set -euo pipefail
cd "$(dirname "$0")/.."
BATCH=${1:-32}; STEPS=${2:-20}; shift $(( $# < 2 ? $# : 2 ))
MODELS=${*:-"regnet_y_400mf efficientnet_b0"}
SIZE=64; OPSET=13; OUT=target/zoo; mkdir -p "$OUT"
export OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg), batch $BATCH, steps $STEPS"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat "$OUT/cp.txt")"
: > "$OUT/speed.jsonl"
for m in $MODELS; do
  [ -f "$OUT/${m}_$OPSET.onnx" ] || /usr/bin/python3 bench/zoo_export.py "$OUT" "$OPSET" "$SIZE" "$m" > /dev/null 2>&1
  echo "== $m  (load $(cut -d' ' -f1-3 /proc/loadavg))"
  torch=$(/usr/bin/python3 bench/torch_zoo_step.py "$m" "$BATCH" "$STEPS" "$SIZE" 2 2> "$OUT/$m-torch.log" | sed -n 's/^TORCH //p')
  grep '^PyTorch\|^  torch' "$OUT/$m-torch.log" || true
  java -Xmx3g -cp "$CP" io.qforge.bench.QatStepProfile "$OUT/${m}_$OPSET.onnx" "$OUT/rand$SIZE.npz" "$BATCH" "$STEPS" both \
      2> "$OUT/$m-qforge.log" | grep -v ' INFO ' > "$OUT/$m-qforge.txt"
  cat "$OUT/$m-qforge.txt"
  qf=$(sed -n 's/^QFORGE //p' "$OUT/$m-qforge.txt")
  echo "{\"model\":\"$m\",\"torch\":$torch,\"qforge\":$qf,\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$OUT/speed.jsonl"
done 2>&1
/usr/bin/python3 - "$OUT/speed.jsonl" <<'PY'
import json, sys
print("| model | qforge QAT img/s | PyTorch QAT img/s | QAT ratio | qforge FP32 img/s | PyTorch FP32 img/s | FP32 ratio | qforge QAT/FP32 step | QAT CPU ms/step qforge / PyTorch (ratio PyTorch/qforge) | FP32 CPU ms/step qforge / PyTorch (ratio) | load after |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for l in open(sys.argv[1]):
    r = json.loads(l); t, q = r["torch"], r["qforge"]
    print(f"| {r['model']} | {q['qatImagesPerSecond']:.1f} | {t['qatImagesPerSecond']:.1f} | {q['qatImagesPerSecond'] / t['qatImagesPerSecond']:.2f}x | "
          f"{q['fp32ImagesPerSecond']:.1f} | {t['fp32ImagesPerSecond']:.1f} | {q['fp32ImagesPerSecond'] / t['fp32ImagesPerSecond']:.2f}x | "
          f"{q['qatStepMs'] / q['fp32StepMs']:.2f} | {q['qatCpuMsPerStep']:.0f} / {t['qatCpuMsPerStep']:.0f} ({t['qatCpuMsPerStep'] / q['qatCpuMsPerStep']:.2f}x) | "
          f"{q['fp32CpuMsPerStep']:.0f} / {t['fp32CpuMsPerStep']:.0f} ({t['fp32CpuMsPerStep'] / q['fp32CpuMsPerStep']:.2f}x) | {r['load']} |")
PY
