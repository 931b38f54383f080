#!/usr/bin/env bash
# Polling under load (issue 7): starts the service from its jar on a fresh embedded database,
# uploads src/test/resources/fixtures/lenet_bn.onnx and a generated dataset, starts a job, measures
# its training images/s without load (after a warm-up), then sends GET /v1/jobs/{id} at a constant
# rate (open loop), then measures without load again; reports latency percentiles, errors, achieved
# rate, images/s before / during / after the load, CPU by thread group and the load average
# (io.qforge.bench.PollLoad). Stops the service at the end.
# Usage: bench/poll-load.sh [rate=500] [seconds=60] [etag=true]
#   JAR=path/to/other.jar bench/poll-load.sh   # measure another build (e.g. main's) the same way
#   NICE=-10 bench/poll-load.sh                 # service and load generator at a higher priority (shared machine)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-500}; SECONDS_=${2:-60}; ETAG=${3:-true}
JAR=${JAR:-target/qforge-0.1.0-SNAPSHOT.jar}
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -q -B -DskipTests package
fi
[ -d target/test-classes/io/qforge/bench ] || ./mvnw -q -B test-compile
WORK=$(mktemp -d /tmp/qforge-poll-load.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export ORT_DISABLE_TELEMETRY=1 OMP_WAIT_POLICY=PASSIVE
${NICE:+nice -n "$NICE"} java -Xmx2g ${SERVICE_JAVA_OPTS:-} -jar "$JAR" --server.port="$PORT" --qforge.embedded.data-dir="$WORK/pg" \
  --qforge.uploads.temp-dir="$WORK" >"$WORK/service.log" 2>&1 &
PID=$!
cleanup() {
  rc=$?; set +e
  kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  for _ in $(seq 1 30); do pgrep -f "$WORK/pg" >/dev/null || break; sleep 1; done  # PostgreSQL stopping
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -sf "localhost:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/service.log" >&2; exit 1; }
  sleep 1
done
KEY=$(grep -A1 "API key for tenant 'default'" "$WORK/service.log" | tail -1 | tr -d ' ')
echo "service pid $PID on port $PORT ($(basename "$JAR")), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')" >&2
${NICE:+nice -n "$NICE"} java -Xmx512m ${LOADGEN_JAVA_OPTS:-} -cp target/test-classes io.qforge.bench.PollLoad url="http://localhost:$PORT" key="$KEY" \
  model=src/test/resources/fixtures/lenet_bn.onnx rate="$RATE" seconds="$SECONDS_" etag="$ETAG" pid="$PID" pgdir="$WORK/pg" \
  ${POLL_LOAD_ARGS:-}
