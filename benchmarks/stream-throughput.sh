#!/usr/bin/env bash
# Sustained records/s of `trainset stream` from a local Kafka 3.9 topic to Parquet windows (BENCHMARKS.md, Streams).
#   benchmarks/stream-throughput.sh [RECORDS] [PARTITIONS] [extra trainset flags, e.g. --runner-config ...]
# Starts a KRaft broker from Maven jars (launcher/src/test/servers/kafka), fills a topic with RECORDS JSON records over
# ten one-minute windows, then runs the runnable jar with --stop-after-idle 5s and prints its lines and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"; parts="${2:-2}"; shift $(( $# > 2 ? 2 : $# )) || true
work="$(mktemp -d /tmp/trainset-stream-bench.XXXX)"
cp_file=launcher/target/test-servers/kafka-classpath.txt
if [[ ! -s "$cp_file" ]]; then
  mkdir -p launcher/target/test-servers
  mvn -B -q -f launcher/src/test/servers/kafka/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file"
fi
cp="$(cat "$cp_file")"
port=19792; controller=19793
cat > "$work/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$work/data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
PROPS
log4j="-Dlog4j.configuration=file:$PWD/launcher/src/test/servers/kafka/log4j.properties -Dkafka.logs.dir=$work"
java $log4j -cp "$cp" kafka.tools.StorageTool format -t trainset-bench-00001 -c "$work/server.properties" >/dev/null
java -Xmx512m $log4j -cp "$cp" kafka.Kafka "$work/server.properties" > "$work/kafka.out" 2>&1 &
kafka=$!
trap 'kill $kafka 2>/dev/null; wait $kafka 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "Kafka Server started" "$work/server.log" 2>/dev/null; do sleep 0.2; done
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
