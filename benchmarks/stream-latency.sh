#!/usr/bin/env bash
# How soon a window is complete after it ends, on a live stream (BENCHMARKS.md, Streams): the delay from a window's end
# to its _SUCCESS file, for each window of a run of `trainset stream` fed in real time.
#   benchmarks/stream-latency.sh [RATE] [SECONDS] [WINDOW] [extra trainset flags, e.g. --runner-config ...]
# Starts a KRaft broker from Maven jars, then trainset (event time = the record's ts field, allowedLateness 0s), then
# produces RATE records a second with ts = now for SECONDS seconds over 2 partitions, and stops the run with
# --stop-after-idle 10s. Prints each complete window's end, its _SUCCESS time (the file's mtime) and the delay.
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${1:-2000}"; seconds="${2:-150}"; window="${3:-30s}"; shift $(( $# > 3 ? 3 : $# )) || true
work="$(mktemp -d /tmp/trainset-stream-latency.XXXX)"
port=19794; controller=19795
# shellcheck source=kafka-broker.sh
source benchmarks/kafka-broker.sh
cat > "$work/stream.yaml" <<CFG
source: {kafka: {bootstrapServers: '127.0.0.1:$port', topics: [live], groupId: live, startFrom: earliest}}
format: json
schema: {columns: {id: long, ts: timestamp, x: double, y: double, label: string}, required: [id, ts]}
window: {size: $window, allowedLateness: 0s, eventTime: ts}
label: {column: label, map: {Abnormal: 1, Normal: 0}}
split: {method: hash, key: id, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}
output: {path: '$work/out', formats: [parquet]}
CFG
# The topic first (the stream checks it exists), then trainset, then the records as they happen.
java -cp "$cp" benchmarks/StreamProduceLive.java "127.0.0.1:$port" live 0 0 2 > /dev/null
java ${TRAINSET_JAVA_OPTS:-} -jar launcher/target/trainset.jar stream --config "$work/stream.yaml" --stop-after-idle 10s "$@" 2> "$work/stream.err" &
stream=$!
until grep -q "is running" "$work/stream.err" 2>/dev/null; do sleep 0.5; done
java -cp "$cp" benchmarks/StreamProduceLive.java "127.0.0.1:$port" live "$rate" "$seconds" 2
wait $stream || true
cat "$work/stream.err"
python3 - "$work/out" <<'PY'
import json, os, sys, datetime
out = sys.argv[1]
latest = json.load(open(os.path.join(out, "latest.json")))
print(f"{'window end':<26} {'_SUCCESS at':<28} {'delay s':>8} {'rows':>7}")
for w in latest["complete"]:
    end = datetime.datetime.fromisoformat(w["end"].replace("Z", "+00:00")).timestamp()
    done = os.stat(os.path.join(out, w["window"], "_SUCCESS")).st_mtime
    print(f"{w['end']:<26} {datetime.datetime.utcfromtimestamp(done).isoformat():<28} {done - end:8.2f} {w['rows']:>7}")
PY
