#!/usr/bin/env bash
# Whole-run benchmark: trainset run CSV -> Parquet on a generated CSV, on DirectRunner and on embedded Flink.
# Prints wall time, rows/s (end to end, JVM start and schema inference included) and peak RSS for each.
#   benchmarks/run.sh [ROWS]        (default 1000000; the CSV is generated once into benchmarks/data/, git-ignored)
# Run it on an idle machine: the numbers are wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
mkdir -p benchmarks/data
csv=benchmarks/data/bench-$rows.csv
[[ -f $csv ]] || java benchmarks/GenerateCsv.java "$csv" "$rows" 42
[[ -f launcher/target/trainset.jar ]] || mvn -B -q -DskipTests package
echo "input: $csv ($(du -h "$csv" | cut -f1), $rows rows); $(nproc) cores; $(java -version 2>&1 | head -1)"
measure() {
  local name=$1; shift
  local out=benchmarks/data/out-$name
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o benchmarks/data/time-$name java -jar launcher/target/trainset.jar run \
    --input "$csv" --output "$out" "$@" > /dev/null 2> benchmarks/data/log-$name
  read -r wall rss < benchmarks/data/time-$name
  printf '%-14s wall %6.1f s   %8.0f rows/s   peak RSS %5.0f MB\n' "$name" "$wall" "$(echo "$rows / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
measure direct
measure flink-local --runner-config runner-configs/flink-local.yaml --parallelism=2
