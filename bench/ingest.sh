#!/usr/bin/env bash
# Upload conversion throughput: Fashion-MNIST IDX (.gz parts), the same training images as a PNG
# class-folder zip, and a synthetic CSV (50 float columns), each converted to the stored .npz and
# re-checked by the upload scanner, in a JVM with a 256 MB heap.
# Usage: bench/ingest.sh [images=60000] [csv rows=200000]
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${1:-60000}; ROWS=${2:-200000}
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist
fi
OUT=target/bench; mkdir -p "$OUT"
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test
java -Xmx256m -cp "target/classes:target/test-classes:$(cat "$OUT/cp.txt")" io.qforge.bench.IngestBenchmark \
  /usr/share/datasets/fashion-mnist "$IMAGES" "$ROWS" | tee "$OUT/ingest.jsonl"
