#!/usr/bin/env bash
# The torchvision zoo through qforge's engine (issue 8, item 5; first version): exports each model
# (random weights, 10 classes, 3xSIZExSIZE, the given opset) with Debian's PyTorch, then runs one
# whole QatJob per model with io.qforge.bench.JobProbe (PTQ, EPOCHS QAT epochs over 512 random
# images, convert, export, ORT) and prints one row per model: imported or the refusal, agreement
# simulation vs integer engine vs ORT, integer MAC share in ORT, float islands, QAT images/s, peak and idle RSS, seconds per phase.
# Not yet: PyTorch's images/s and RSS beside qforge's, FP32 ORT parity.
# Usage: bench/zoo.sh [opset=13] [size=64] [epochs=0] [models...]   (TIMEOUT=900 s per model)
set -euo pipefail
cd "$(dirname "$0")/.."
OPSET=${1:-13}; SIZE=${2:-64}; EPOCHS=${3:-0}; shift $(( $# < 3 ? $# : 3 ))
MODELS=${*:-"resnet18 mobilenet_v2 squeezenet1_1 efficientnet_b0 regnet_y_400mf mnasnet0_5 shufflenet_v2_x0_5 mobilenet_v3_small densenet121 googlenet"}
if ! /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torchvision python3-onnx
fi
OUT=target/zoo; mkdir -p "$OUT"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
/usr/bin/python3 bench/zoo_export.py "$OUT" "$OPSET" "$SIZE" $MODELS > "$OUT/export-$OPSET.jsonl"
: > "$OUT/results-$OPSET.jsonl"
while read -r row; do
  model=$(echo "$row" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["model"])')
  file=$(echo "$row" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["file"] if r["exported"] else "")')
  if [ -z "$file" ]; then echo "{\"model\":\"$model\",\"error\":\"export failed\"}" >> "$OUT/results-$OPSET.jsonl"; continue; fi
  echo "== $model" >&2
  if line=$(timeout "${TIMEOUT:-900}" java -Xmx3g -cp "target/test-classes:target/classes:$(cat "$OUT/cp.txt")" \
      io.qforge.bench.JobProbe "$file" "$OUT/rand$SIZE.npz" "$EPOCHS" 32 4 32 2> "$OUT/$model-$OPSET.log" | grep '^{'); then
    echo "$line" >> "$OUT/results-$OPSET.jsonl"
  else
    why=$(grep -hoE '(UnsupportedModelException|InvalidModelException|ConversionException|IllegalArgumentException|IllegalStateException|OutOfMemoryError)[^"]{0,300}' "$OUT/$model-$OPSET.log" | head -1 | tr '"' "'" || true)
    # the distinct problems of a refused model, without the node names
    problems=$(grep -h '^ - ' "$OUT/$model-$OPSET.log" | sed -E "s/^ - node '[^']*' //" | sort | uniq -c | sort -rn \
      | awk '{n=$1; $1=""; printf "%s%s (%d)", (NR>1?"; ":""), substr($0,2), n}' | tr '"' "'" | cut -c1-300 || true)
    [ -n "$problems" ] && why="refused: $problems"
    echo "{\"model\":\"$model\",\"error\":\"${why:-timeout or crash, see $OUT/$model-$OPSET.log}\"}" >> "$OUT/results-$OPSET.jsonl"
  fi
  tail -1 "$OUT/results-$OPSET.jsonl" | cut -c1-300 >&2
done < "$OUT/export-$OPSET.jsonl"
/usr/bin/python3 - "$OUT/results-$OPSET.jsonl" <<'PY'
import json, sys
print("| model | result | sim vs int8 top-1 | int8 vs ORT top-1 | integer MAC share | float islands | QAT img/s | peak RSS MB | idle RSS MB | s per phase |")
print("|---|---|---|---|---|---|---|---|---|---|")
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "error" in r:
        print(f"| {r['model']} | {r['error'][:160]} | | | | | | | | |"); continue
    phases = " ".join(f"{k[:5]} {v['s']:.0f}" for k, v in r["phases"].items())
    share = "" if r.get("integerMacShare") is None else f"{r['integerMacShare']:.4f}"
    print(f"| {r['model']} | ok | {r['simVsInt8']:.4f} | {r['int8VsOrt']:.4f} | {share} | {r.get('floatIslandOps') or 0} | {r['qatImagesPerSecond']:.0f} | "
          f"{r['peakRssMb']} | {r['idleRssMb']} | {phases} |")
PY
