#!/usr/bin/env bash
# Stops the cluster start-local-cluster.sh started, by its PIDs (TaskManager first), and waits for both to exit.
set -uo pipefail
state="${1:-/tmp/trainset-flink}"
for p in tm jm; do
  f="$state/$p.pid"
  [[ -f "$f" ]] || continue
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$f"
done
echo "flink stopped"
