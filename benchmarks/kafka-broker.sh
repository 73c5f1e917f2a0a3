# Sourced by the stream benchmarks: starts a Kafka 3.9 KRaft broker from Maven jars (launcher/src/test/servers/kafka)
# on 127.0.0.1:$port (controller $controller) with its data in $work, and stops it and removes $work on exit.
# Sets $cp (the Kafka classpath, for the producers) and $kafka (the broker's PID).
cp_file=launcher/target/test-servers/kafka-classpath.txt
if [[ ! -s "$cp_file" ]]; then
  mkdir -p launcher/target/test-servers
  mvn -B -q -f launcher/src/test/servers/kafka/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file"
fi
cp="$(cat "$cp_file")"
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
java $log4j -cp "$cp" kafka.tools.StorageTool format -t "trainset-bench-$port" -c "$work/server.properties" >/dev/null
java -Xmx512m $log4j -cp "$cp" kafka.Kafka "$work/server.properties" > "$work/kafka.out" 2>&1 &
kafka=$!
trap 'kill $kafka 2>/dev/null; wait $kafka 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "Kafka Server started" "$work/server.log" 2>/dev/null; do sleep 0.2; done
