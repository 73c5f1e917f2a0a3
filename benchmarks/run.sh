#!/usr/bin/env bash
# Whole-run benchmark of trainset alone on a generated CSV (3-class label 70/25/5), on each runner:
#   convert: CSV -> Parquet, no split
#   split:   CSV -> label first -> exact stratified 80/10/10 split (seed 42) -> Parquet per split
# Prints wall time, rows/s (end to end: JVM start, the first pass, writing, the manifest) and peak RSS of the
# trainset process for each. For the side-by-side comparison with DuckDB and Spark use ../shared/bench/compare.sh.
#   benchmarks/run.sh [ROWS [RUNS...]]   ROWS default 1000000; RUNS among
#       process-convert process-split     in the trainset process (the default, no --runner-config)
#       direct-convert direct-split       runner-configs/direct.yaml (Beam's DirectRunner)
#       flink-convert flink-split         runner-configs/flink-local.yaml (embedded Flink)
#       cluster-convert cluster-split     runner-configs/flink-cluster.yaml (start the local cluster first:
#                                         runner-configs/flink-cluster/start-local-cluster.sh)
#     default: the four process and flink runs.
#   CSV=FILE uses that file instead of generating benchmarks/data/bench-ROWS.csv (e.g. compare.sh's
#   /tmp/trainset-bench/data/rows-ROWS.csv; it needs a `label` column). JVM flags from TRAINSET_JAVA_OPTS
#   (e.g. -Xmx1g); extra trainset/Beam flags from TRAINSET_ARGS.
# Run it on an idle machine: the numbers are wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
mkdir -p benchmarks/data
csv=${CSV:-benchmarks/data/bench-$rows.csv}
[[ -f $csv ]] || java benchmarks/GenerateCsv.java "$csv" "$rows" 42
[[ -f launcher/target/trainset.jar ]] || mvn -B -q -DskipTests package
echo "input: $csv ($(du -h "$csv" | cut -f1), $rows rows); $(nproc) cores; $(java -version 2>&1 | head -1); JVM flags: ${TRAINSET_JAVA_OPTS:-none}"
measure() {
  local name=$1; shift
  local out=$PWD/benchmarks/data/out-$name
  rm -rf "$out"
  # shellcheck disable=SC2086
  /usr/bin/time -f "%e %M" -o benchmarks/data/time-$name java ${TRAINSET_JAVA_OPTS:-} -jar launcher/target/trainset.jar run \
    --input "$csv" --output "$out" "$@" ${TRAINSET_ARGS:-} > /dev/null 2> benchmarks/data/log-$name
  read -r wall rss < benchmarks/data/time-$name
  printf '%-16s wall %6.1f s   %9.0f rows/s   peak RSS %5.0f MB\n' "$name" "$wall" "$(echo "$rows / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
split=(--set label.column=label --set split.method=stratified --set 'split.fractions.train=0.8'
       --set 'split.fractions.validation=0.1' --set 'split.fractions.test=0.1' --set split.seed=42)
runs=("${@:2}")
[[ ${#runs[@]} -gt 0 ]] || runs=(process-convert process-split flink-convert flink-split)
for run in "${runs[@]}"; do
  runner=${run%-*}; task=${run##*-}
  case $runner in
    process) rc=() ;;
    direct) rc=(--runner-config runner-configs/direct.yaml) ;;
    flink) rc=(--runner-config runner-configs/flink-local.yaml) ;;
    cluster) rc=(--runner-config runner-configs/flink-cluster.yaml) ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
  case $task in
    convert) measure "$run" "${rc[@]}" ;;
    split) measure "$run" "${rc[@]}" "${split[@]}" ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
done
