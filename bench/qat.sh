#!/usr/bin/env bash
# QAT benchmark (issue 3, item 9): qforge vs PyTorch 1.13 eager-mode PTQ/QAT (onednn engine) on
# Fashion-MNIST, for a LeNet-style CNN and a depthwise-separable CNN, at W8A8, W4A8 and W4A4 (LSQ).
#   1. bench/qat_torch.py trains both FP32 models (seeded, Adam, cosine), exports them to ONNX with
#      BatchNormalization kept, then runs PyTorch's PTQ and 1-epoch QAT from the same weights.
#   2. io.qforge.bench.QatBenchmark runs one QatJob per model x scheme on those ONNX files.
#   3. bench/qat_report.py prints the table and the targets, and writes target/bench/qat.md.
# Same batch (64), optimizer (Adam, cosine), QAT lr, epochs (1), calibration batches (16) and
# threads (OMP_NUM_THREADS=2, OMP_WAIT_POLICY=PASSIVE) on both sides. ~20-25 min on 2 cores.
# Usage: bench/qat.sh            full run
#        bench/qat.sh --quick    smoke test (30 steps per epoch, 1 FP32 epoch; numbers meaningless)
# Env overrides: QAT_LR (1e-4), FP32_EPOCHS (3), THREADS (2), BATCH (64), CALIB (16), FP32_TIMING_STEPS (300)
set -euo pipefail
cd "$(dirname "$0")/.."
QAT_LR=${QAT_LR:-1e-4}; FP32_EPOCHS=${FP32_EPOCHS:-3}; THREADS=${THREADS:-2}; BATCH=${BATCH:-64}
CALIB=${CALIB:-16}; FP32_TIMING_STEPS=${FP32_TIMING_STEPS:-300}; MAX_STEPS=0; TRAIN_ROWS=0; OUT=target/bench
if [ "${1:-}" = "--quick" ]; then
  FP32_EPOCHS=1; MAX_STEPS=30; TRAIN_ROWS=$((30 * BATCH)); FP32_TIMING_STEPS=20; OUT=target/bench-quick
fi
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist python3-torch python3-onnx
fi
mkdir -p "$OUT"
export OMP_NUM_THREADS=$THREADS OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
START=$(date +%s)
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uptime | sed 's/.*load/load/')" >&2
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
echo "== PyTorch: FP32 training, export, PTQ and QAT" >&2
(cd bench && /usr/bin/python3 qat_torch.py --out-dir "../$OUT" --fp32-epochs "$FP32_EPOCHS" --qat-lr "$QAT_LR" \
  --batch "$BATCH" --calib-batches "$CALIB" --threads "$THREADS" --max-steps "$MAX_STEPS") | tee "$OUT/qat_torch.json"
echo "== qforge: one QatJob per model x scheme on the exported FP32 models" >&2
java -Xmx6g -cp "target/classes:target/test-classes:$(cat "$OUT/cp.txt")" io.qforge.bench.QatBenchmark \
  /usr/share/datasets/fashion-mnist "$BATCH" "$QAT_LR" "$CALIB" "$FP32_TIMING_STEPS" "$TRAIN_ROWS" \
  lenet="$OUT/lenet.onnx" dwsep="$OUT/dwsep.onnx" | tee "$OUT/qat_qforge.json"
/usr/bin/python3 bench/qat_report.py "$OUT/qat_torch.json" "$OUT/qat_qforge.json" "$OUT/qat.md"
echo "== done in $(( $(date +%s) - START )) s; load now: $(uptime | sed 's/.*load/load/')" >&2
