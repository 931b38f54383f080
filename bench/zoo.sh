#!/usr/bin/env bash
# The torchvision zoo through qforge's engine and through PyTorch (issue 8, item 5). For each model:
#  1. export it with Debian's PyTorch (torchvision 0.14, random weights, 10 classes, 3xSIZExSIZE,
#     inception_v3 at 96x96 whatever SIZE is; the given opset; bench/zoo_export.py);
#  2. PyTorch's side in its own process (bench/zoo_torch.py): FX prepare_qat_fx with the onednn
#     qconfig, calibration, EPOCHS QAT epochs, convert_fx, int8 evaluation: median step images/s and
#     the process's peak RSS (VmHWM);
#  3. qforge's side in its own JVM (io.qforge.bench.JobProbe): import + FP32 parity with ONNX Runtime,
#     then one whole QatJob (PTQ, EPOCHS QAT epochs, convert, QDQ export, ORT): median step images/s,
#     peak RSS (VmHWM of that JVM), seconds per phase, agreement, integer MAC share, float islands.
# Both sides: batch 32, 4 calibration batches, the same 512 train / 256 test random images
# (target/zoo/randSIZE.npz), OMP_NUM_THREADS=2 (PyTorch: torch.set_num_threads(2)).
# Prints one table row per model; raw rows go to target/zoo/results-OPSET.jsonl, logs next to them.
# Usage: bench/zoo.sh [opset=13] [size=64] [epochs=1] [models...]
#   TIMEOUT=900 bounds each side of each model (seconds); a model over it gets "timeout" in its row
#   (qforge's row then still says which phase it was in, with the seconds and peak RSS so far).
#   Run it with `nice -n 5` on a shared machine and record the load average it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
OPSET=${1:-13}; SIZE=${2:-64}; EPOCHS=${3:-1}; shift $(( $# < 3 ? $# : 3 ))
MODELS=${*:-"resnet18 mobilenet_v2 mobilenet_v3_small squeezenet1_1 mnasnet0_5 regnet_x_400mf regnet_y_400mf
  efficientnet_b0 densenet121 googlenet shufflenet_v2_x0_5 resnet50 mobilenet_v3_large inception_v3"}
TIMEOUT=${TIMEOUT:-900}
if ! /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torchvision python3-onnx
fi
OUT=target/zoo; mkdir -p "$OUT"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OMP_WAIT_POLICY=PASSIVE ORT_DISABLE_TELEMETRY=1
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
RES="$OUT/results-$OPSET.jsonl"; : > "$RES"
echo "start $(date -u '+%F %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/load-$OPSET.txt" >&2
field() { /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); v=r.get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"; }
for model in $MODELS; do
  size=$SIZE; [ "$model" = inception_v3 ] && size=96
  echo "== $model ($size x $size, opset $OPSET) load $(cut -d' ' -f1 /proc/loadavg)" >&2
  row=$(/usr/bin/python3 bench/zoo_export.py "$OUT" "$OPSET" "$size" "$model" 2> "$OUT/$model-$OPSET-export.log" | tail -1)
  if [ "$(field "$row" exported)" != True ]; then
    echo "{\"model\":\"$model\",\"opset\":$OPSET,\"imported\":false,\"error\":\"export failed: $(field "$row" error | tr '"' "'")\"}" >> "$RES"
    continue
  fi
  file=$(field "$row" file)
  load0=$(cut -d' ' -f1 /proc/loadavg)
  torch=$(timeout "$TIMEOUT" /usr/bin/python3 bench/zoo_torch.py "$model" "$size" "$OUT/rand$size.npz" --epochs "$EPOCHS" \
      --batch 32 --threads "$OMP_NUM_THREADS" --calib 4 2> "$OUT/$model-$OPSET-torch.log" | grep '^{' || true)
  [ -z "$torch" ] && torch="{\"ok\":false,\"error\":\"timeout (${TIMEOUT} s) or crash, see $OUT/$model-$OPSET-torch.log\"}"
  ours=$(timeout "$((TIMEOUT + 120))" java -Xmx3g -Dprobe.timeoutS="$TIMEOUT" -cp "target/test-classes:target/classes:$(cat "$OUT/cp.txt")" \
      io.qforge.bench.JobProbe "$file" "$OUT/rand$size.npz" "$EPOCHS" 32 4 32 2> "$OUT/$model-$OPSET.log" | grep '^{' || true)
  [ -z "$ours" ] && ours="{\"model\":\"$model\",\"imported\":null,\"error\":\"timeout (${TIMEOUT} s) or crash in $(grep -o '^phase [A-Z]*' "$OUT/$model-$OPSET.log" | tail -1), see $OUT/$model-$OPSET.log\"}"
  /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(model=sys.argv[3], opset=int(sys.argv[4]), size=int(sys.argv[5]),
    torch=json.loads(sys.argv[2]), load=[float(sys.argv[6]), float(open("/proc/loadavg").read().split()[0])]); print(json.dumps(r))' \
    "$ours" "$torch" "$model" "$OPSET" "$size" "$load0" >> "$RES"
  tail -1 "$RES" | cut -c1-400 >&2
done
echo "end $(date -u '+%F %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load-$OPSET.txt" >&2
/usr/bin/python3 bench/zoo_report.py "$RES"
