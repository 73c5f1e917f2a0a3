#!/usr/bin/env bash
# Starts a Flink 1.19 standalone session cluster (one JobManager, one TaskManager with 2 slots and 2 GB) on 127.0.0.1 from
# Maven artifacts, for runner-configs/flink-cluster.yaml. Prints "flink up" once the TaskManager has registered.
#
#   runner-configs/flink-cluster/start-local-cluster.sh [STATE_DIR]      (default /tmp/trainset-flink)
#   runner-configs/flink-cluster/start-local-cluster.sh STATE_DIR taskmanager   (another TaskManager for the running
#                                                                              cluster, e.g. after one was killed)
#   runner-configs/flink-cluster/stop-local-cluster.sh  [STATE_DIR]
#
# Environment: FLINK_REST_PORT (18081), FLINK_RPC_PORT (16123), FLINK_BLOB_PORT (16124).
# STATE_DIR gets conf/, log/, tmp/ and the two PID files. Everything listens on 127.0.0.1 only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${1:-/tmp/trainset-flink}"
only="${2:-}"
rest="${FLINK_REST_PORT:-18081}"; rpc="${FLINK_RPC_PORT:-16123}"; blob="${FLINK_BLOB_PORT:-16124}"
mkdir -p "$state/conf" "$state/log" "$state/tmp"
if [[ "$only" == taskmanager ]]; then
  [[ -f "$state/jm.pid" ]] && kill -0 "$(cat "$state/jm.pid")" 2>/dev/null \
    || { echo "no cluster is running from $state to add a TaskManager to" >&2; exit 1; }
elif [[ -f "$state/jm.pid" ]] && kill -0 "$(cat "$state/jm.pid")" 2>/dev/null; then
  echo "a cluster is already running from $state (JobManager PID $(cat "$state/jm.pid"))" >&2; exit 1
fi

# The cluster classpath (about 40 jars), resolved from Maven once and cached in STATE_DIR.
if [[ ! -s "$state/cp.txt" ]]; then
  mvn -B -q -Dstyle.color=never -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$state/cp.txt" >&2
fi
cp "$here/conf/log4j.properties" "$state/conf/"
cat > "$state/conf/config.yaml" <<CONF
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $rpc
jobmanager.bind-host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $rest
blob.server.port: $blob
jobmanager.memory.process.size: 1024m
taskmanager.memory.process.size: 2048m
# Each blocking batch partition of a job (the leakage shards, the combines of the slices' results) asks for
# taskmanager.network.sort-shuffle.min-buffers (512 by default) network buffers, and with Flink's
# default network share (~3,500 buffers here) jobs failed with "Insufficient number of network buffers".
taskmanager.memory.network.min: 320mb
taskmanager.memory.network.max: 320mb
taskmanager.network.sort-shuffle.min-buffers: 128
taskmanager.numberOfTaskSlots: 2
parallelism.default: 1
io.tmp.dirs: $state/tmp
# How often the REST API refreshes task metrics (default 10 s); trainset's progress lines on a cluster read them.
metrics.fetcher.update-interval: 3000
CONF

cp_="$(cat "$state/cp.txt")"
# Flink's own JVM flags for Java 17 (what bin/config.sh passes as env.java.opts.all).
opens="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"
log4j="-Dlog4j.configurationFile=file:$state/conf/log4j.properties"
# Flink's memory calculator (what bin/jobmanager.sh and taskmanager.sh use): line 1 JVM flags, line 2 -D properties.
# The TaskManager dies at once without the -D properties (taskmanager.cpu.cores etc.).
bju() { java -cp "$cp_" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$state/conf" 2>/dev/null \
          | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'; }
mapfile -t JM < <(bju GET_JM_RESOURCE_PARAMS)
mapfile -t TM < <(bju GET_TM_RESOURCE_PARAMS)
[[ ${#TM[@]} -ge 2 ]] || { echo "could not compute Flink memory settings (BashJavaUtils)" >&2; exit 1; }

if [[ "$only" != taskmanager ]]; then
  # shellcheck disable=SC2086
  nohup java ${JM[0]} $opens $log4j -Dlog.file="$state/log/jm.log" -cp "$cp_" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$state/conf" --executionMode cluster ${JM[1]} \
    > "$state/log/jm.out" 2>&1 &
  echo $! > "$state/jm.pid"
fi
tmlog="$state/log/tm-$(date +%s%N).log"
# shellcheck disable=SC2086
nohup java ${TM[0]} $opens $log4j -Dlog.file="$tmlog" -cp "$cp_" \
  org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$state/conf" ${TM[1]} \
  > "$tmlog.out" 2>&1 &
echo $! > "$state/tm.pid"

# Up once this TaskManager has registered with the JobManager's resource manager.
for _ in $(seq 1 240); do
  if grep -q "Successful registration at resource manager" "$tmlog" 2>/dev/null; then echo "flink up"; exit 0; fi
  sleep 0.5
done
echo "flink did not come up within 120 s; see $state/log/" >&2
"$here/stop-local-cluster.sh" "$state" || true
exit 1
