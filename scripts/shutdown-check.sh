#!/usr/bin/env bash
# Graceful shutdown with the embedded database: starts the jar (./mvnw -DskipTests package first) on a fresh embedded database, starts a long job, sends SIGTERM while it trains,
# then prints what the log says about the job's release and the database
cd "$(dirname "$0")/.."
set -u
W=$(mktemp -d /tmp/qf-shut.XXXX); PORT=18181
ORT_DISABLE_TELEMETRY=1 OMP_WAIT_POLICY=PASSIVE java -Xmx1g -jar target/qforge-0.1.0-SNAPSHOT.jar --server.port=$PORT --qforge.embedded.data-dir=$W/pg --qforge.uploads.temp-dir=$W > $W/log 2>&1 &
PID=$!
for i in $(seq 1 60); do curl -sf localhost:$PORT/actuator/health/readiness >/dev/null && break; sleep 1; done
KEY=$(grep -A1 "API key for tenant" $W/log | tail -1 | tr -d ' '); H="Authorization: Bearer $KEY"; F=src/test/resources/fixtures
M=$(curl -s -H "$H" -F file=@$F/lenet_bn.onnx localhost:$PORT/v1/models | sed -E 's/^\{"id":"([^"]+)".*/\1/')
D=$(curl -s -H "$H" -F file=@$F/digits.npz localhost:$PORT/v1/datasets | sed -E 's/^\{"id":"([^"]+)".*/\1/')
J=$(curl -s -H "$H" -H 'Content-Type: application/json' -d "{\"modelId\":\"$M\",\"datasetId\":\"$D\",\"spec\":{\"epochs\":500}}" localhost:$PORT/v1/jobs | sed -E 's/^\{"id":"([^"]+)".*/\1/')
for i in $(seq 1 60); do curl -s -H "$H" localhost:$PORT/v1/jobs/$J | grep -q '"phase":"TRAINING"' && break; sleep 1; done
sleep 3; kill -TERM $PID; wait $PID; echo "exit $?"
grep -E "left job|terminating connection|shut down postmaster" $W/log | cut -c1-200
pgrep -fa "$W/pg" | head -2
rm -rf $W
