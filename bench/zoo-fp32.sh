#!/usr/bin/env bash
# FP32 import parity of torchvision 0.14 models (issue 8 item 1): exports each model (random weights,
# 10 classes, 3xSIZExSIZE) with Debian's PyTorch at the given opset, imports it, runs the engine's FP32
# forward pass and ONNX Runtime on a batch of 2 seeded Gaussian images (io.qforge.bench.Fp32ParityProbe)
# and prints one row per model: imported or the refusal, max |engine - ORT| (ORT with all
# optimizations, and unoptimized), import and forward seconds.
# Usage: bench/zoo-fp32.sh [opset=13] [size=64] [models...]   (TIMEOUT=600 s per model)
set -euo pipefail
cd "$(dirname "$0")/.."
OPSET=${1:-13}; SIZE=${2:-64}; shift $(( $# < 2 ? $# : 2 ))
MODELS=${*:-"mobilenet_v3_small mobilenet_v3_large shufflenet_v2_x0_5 googlenet densenet121 efficientnet_v2_s"}
if ! /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torchvision python3-onnx
fi
OUT=target/zoo; mkdir -p "$OUT"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
/usr/bin/python3 bench/zoo_export.py "$OUT" "$OPSET" "$SIZE" $MODELS > "$OUT/export-fp32-$OPSET-$SIZE.jsonl" 2>/dev/null
RES="$OUT/fp32-$OPSET-$SIZE.jsonl"; : > "$RES"
while read -r row; do
  model=$(echo "$row" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["model"])')
  file=$(echo "$row" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["file"] if r["exported"] else "")')
  if [ -z "$file" ]; then echo "{\"model\":\"$model\",\"imported\":false,\"problems\":\"export failed\"}" >> "$RES"; continue; fi
  if ! timeout "${TIMEOUT:-600}" java -Xmx3g -cp "target/test-classes:target/classes:$(cat "$OUT/cp.txt")" \
      io.qforge.bench.Fp32ParityProbe "$file" 2 3 "$SIZE" 2> "$OUT/$model-fp32-$OPSET.log" | grep '^{' >> "$RES"; then
    echo "{\"model\":\"$model\",\"imported\":false,\"problems\":\"crash or timeout, see $OUT/$model-fp32-$OPSET.log\"}" >> "$RES"
  fi
  tail -1 "$RES" | cut -c1-250 >&2
done < "$OUT/export-fp32-$OPSET-$SIZE.jsonl"
/usr/bin/python3 - "$RES" <<'PY'
import json, sys
print("| model | imported | FP32 max abs diff vs ORT (optimized / unoptimized) | max abs output | relative | import s | forward s (batch 2) |")
print("|---|---|---|---|---|---|---|")
for l in open(sys.argv[1]):
    r = json.loads(l)
    if not r["imported"]:
        print(f"| {r['model']} | no: {r['problems'][:200]} | | | | | |"); continue
    rel = max(r['maxAbsDiffOrt'], r['maxAbsDiffOrtUnoptimized']) / r['outputMaxAbs'] if r['outputMaxAbs'] else float('nan')
    print(f"| {r['model']} | yes ({r['nodes']} nodes) | {r['maxAbsDiffOrt']:.1e} / {r['maxAbsDiffOrtUnoptimized']:.1e} | "
          f"{r['outputMaxAbs']:.1e} | {rel:.1e} | {r['importS']:.1f} | {r['forwardS']:.1f} |")
PY
