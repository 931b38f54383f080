#!/usr/bin/env bash
# FP32 training benchmark: qforge's engine vs PyTorch 1.13 on the same LeNet-BN, the same
# initial weights, Fashion-MNIST, batch size, optimizer (Adam, cosine), epochs and thread count.
# Usage: bench/fp32-train.sh [epochs=3] [batch=64] [threads=2]
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-3}; BATCH=${2:-64}; THREADS=${3:-2}; LR=1e-3
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist python3-torch python3-onnx
fi
OUT=target/bench; mkdir -p "$OUT"
export OMP_NUM_THREADS=$THREADS OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
echo "== PyTorch (exports the initial model, then trains it)" >&2
(cd bench && /usr/bin/python3 fp32_torch.py --onnx-out "../$OUT/lenet_bn_fmnist.onnx" --epochs "$EPOCHS" --batch "$BATCH" --lr "$LR" --threads "$THREADS") | tee "$OUT/fp32_torch.json"
echo "== qforge (trains the same initial model)" >&2
java -Xmx6g -cp "target/classes:target/test-classes:$(cat "$OUT/cp.txt")" io.qforge.bench.Fp32TrainBenchmark \
  "$OUT/lenet_bn_fmnist.onnx" /usr/share/datasets/fashion-mnist "$EPOCHS" "$BATCH" "$LR" | tee "$OUT/fp32_qforge.json"
/usr/bin/python3 - "$OUT/fp32_torch.json" "$OUT/fp32_qforge.json" <<'PY'
import json, sys
def last_json(path):
    return json.loads([l for l in open(path) if l.startswith("{")][-1])
t = last_json(sys.argv[1]); q = last_json(sys.argv[2])
print(f"qforge {q['images_per_s_median']:.0f} images/s, PyTorch {t['images_per_s_median']:.0f} images/s, "
      f"ratio {q['images_per_s_median'] / t['images_per_s_median']:.2f}x; "
      f"step ms median qforge {q['step_ms_median']:.1f} vs PyTorch {t['step_ms_median']:.1f}; "
      f"test accuracy qforge {q['test_accuracy']:.4f}, PyTorch {t['test_accuracy']:.4f}")
PY
