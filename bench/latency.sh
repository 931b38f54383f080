#!/usr/bin/env bash
# INT8 deployment speed in ONNX Runtime (issue 9 item 4): for each model, PTQ (4 calibration batches
# of 32), convert, QDQ export, then FP32 vs INT8 median latency at batch 1 and 64 with 1 and 2
# intra-op threads (runs alternating FP32/INT8, 3 warm-up + RUNS timed) and what ORT's optimized
# INT8 graph still runs in float (conv/matmul kernels, other float ops, Q/DQ and reorders left).
# Models: the torchvision zoo (bench/zoo_export.py, 3x64x64, opset 13, random weights) and the
# fixtures' LeNet (digits 1x8x8). Writes the INT8 artifacts and ORT's optimized graphs to target/latency.
# Usage: bench/latency.sh [models...]   (RUNS=15, THREADS=1,2, BATCHES=1,64; OUT=target/latency;
#   BENCH_OPTS=-Dbench.activations=INT8: S8S8 export run with session.qdqisint8allowed=1)
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS=${*:-"lenet_bn resnet18 mobilenet_v2 squeezenet1_1 efficientnet_b0"}
OUT=${OUT:-target/latency}; ZOO=target/zoo; mkdir -p "$OUT" "$ZOO"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
[ -f "$ZOO/cp.txt" ] && [ "${SKIP_BUILD:-0}" = 1 ] || \
  ./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$ZOO/cp.txt" -Dmdep.includeScope=test
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
: > "$OUT/results.jsonl"
for model in $MODELS; do
  if [ "$model" = lenet_bn ]; then
    file=src/test/resources/fixtures/lenet_bn.onnx; data=src/test/resources/fixtures/digits.npz
  else
    file=$ZOO/${model}_13.onnx; data=$ZOO/rand64.npz
    [ -f "$file" ] || /usr/bin/python3 bench/zoo_export.py "$ZOO" 13 64 "$model" >&2
  fi
  echo "== $model" >&2
  nice -n "${NICE:-5}" java -Xmx3g ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$(cat "$ZOO/cp.txt")" io.qforge.bench.OrtLatencyBench \
    "$file" "$data" "$OUT" "${RUNS:-15}" "${THREADS:-1,2}" "${BATCHES:-1,64}" 2> "$OUT/$model.log" | grep '^{' >> "$OUT/results.jsonl" \
    || echo "{\"model\":\"$model\",\"error\":\"see $OUT/$model.log\"}" >> "$OUT/results.jsonl"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
python3 - "$OUT/results.jsonl" <<'PY'
import json, sys
print("| model | int8 vs ORT top-1 | Conv/Gemm -> integer kernels | float conv/matmul left | other float ops | Q / DQ left | reorders | threads | b1 FP32 ms | b1 INT8 ms | b1 INT8/FP32 | b64 FP32 ms | b64 INT8 ms | b64 INT8/FP32 |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "error" in r:
        print(f"| {r['model']} | {r['error']} |" + " |" * 12); continue
    by = {}
    for p in r["latency"]:
        by.setdefault(p["threads"], {})[p["batch"]] = p
    for t, ps in sorted(by.items()):
        cells = []
        for b in sorted(ps):
            p = ps[b]; cells += [f"{p['fp32Ms']:.2f}", f"{p['int8Ms']:.2f}", f"{p['ratio']:.2f}"]
        print(f"| {r['model']} | {r['int8VsOrtTop1']:.4f} | {r['integerKernels']}/{r['sourceGemmLike']} | {r['floatKernels'] or 0} | "
              f"{r['floatOpsLeft']} | {r['quantizeLeft']} / {r['dequantizeLeft']} | {r['reorders']} | {t} | " + " | ".join(cells) + " |")
PY
