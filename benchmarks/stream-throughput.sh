#!/usr/bin/env bash
# Sustained records/s of `trainset stream` from a local Kafka 3.9 topic to Parquet windows (BENCHMARKS.md, Streams).
#   benchmarks/stream-throughput.sh [RECORDS] [PARTITIONS] [extra trainset flags, e.g. --runner-config ...]
# Starts a KRaft broker from Maven jars (launcher/src/test/servers/kafka), fills a topic with RECORDS JSON records over
# ten one-minute windows, then runs the runnable jar with --stop-after-idle 5s and prints its lines and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"; parts="${2:-2}"; shift $(( $# > 2 ? 2 : $# )) || true
work="$(mktemp -d /tmp/trainset-stream-bench.XXXX)"
port=19792; controller=19793
# shellcheck source=kafka-broker.sh
source benchmarks/kafka-broker.sh
java -cp "$cp" benchmarks/StreamProduce.java "127.0.0.1:$port" bench "$n" "$parts"
cat > "$work/stream.yaml" <<CFG
source: {kafka: {bootstrapServers: '127.0.0.1:$port', topics: [bench], groupId: bench, properties: {${KAFKA_PROPS:-}}}}
format: json
schema: {columns: {id: long, ts: timestamp, x: double, y: double, label: string}, required: [id, ts]}
window: {size: 1m, eventTime: ts}
label: {column: label, map: {Abnormal: 1, Normal: 0}}
split: {method: hash, key: id, fractions: {train: 0.8, validation: 0.1, test: 0.1}, seed: 42}
output: {path: '$work/out', formats: [parquet]}
CFG
/usr/bin/time -f "peak RSS %M KB, wall %e s" java ${TRAINSET_JAVA_OPTS:-} -jar launcher/target/trainset.jar stream --config "$work/stream.yaml" --stop-after-idle 5s "$@"
