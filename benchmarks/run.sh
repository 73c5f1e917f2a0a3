#!/usr/bin/env bash
# Whole-run benchmark on a generated CSV (3-class label 70/25/5), on DirectRunner and on embedded Flink:
#   convert: CSV -> Parquet, no split
#   split:   CSV -> label first -> exact stratified 80/10/10 split (seed 42) -> Parquet per split
# Prints wall time, rows/s (end to end, JVM start and schema inference included) and peak RSS for each.
#   benchmarks/run.sh [ROWS [RUNS...]]   (default 1000000 and all four runs; the CSV is generated once into
#                                          benchmarks/data/, git-ignored; RUNS among direct-convert direct-split
#                                          flink-convert flink-split)
#   JVM flags from TRAINSET_JAVA_OPTS (e.g. -Xmx1g); extra trainset/Beam flags from TRAINSET_ARGS (e.g.
#   "--flinkConfDir=/empty/dir" for Beam's own managed-memory default instead of trainset's).
# Run it on an idle machine: the numbers are wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
mkdir -p benchmarks/data
csv=benchmarks/data/bench-$rows.csv
[[ -f $csv ]] || java benchmarks/GenerateCsv.java "$csv" "$rows" 42
[[ -f launcher/target/trainset.jar ]] || mvn -B -q -DskipTests package
echo "input: $csv ($(du -h "$csv" | cut -f1), $rows rows); $(nproc) cores; $(java -version 2>&1 | head -1); JVM flags: ${TRAINSET_JAVA_OPTS:-none}"
measure() {
  local name=$1; shift
  local out=benchmarks/data/out-$name
  rm -rf "$out"
  # shellcheck disable=SC2086
  /usr/bin/time -f "%e %M" -o benchmarks/data/time-$name java ${TRAINSET_JAVA_OPTS:-} -jar launcher/target/trainset.jar run \
    --input "$csv" --output "$out" "$@" ${TRAINSET_ARGS:-} > /dev/null 2> benchmarks/data/log-$name
  read -r wall rss < benchmarks/data/time-$name
  printf '%-14s wall %6.1f s   %8.0f rows/s   peak RSS %5.0f MB\n' "$name" "$wall" "$(echo "$rows / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
split=(--set label.column=label --set split.method=stratified --set 'split.fractions.train=0.8'
       --set 'split.fractions.validation=0.1' --set 'split.fractions.test=0.1' --set split.seed=42)
flink=(--runner-config runner-configs/flink-local.yaml)
runs=("${@:2}")
[[ ${#runs[@]} -gt 0 ]] || runs=(direct-convert direct-split flink-convert flink-split)
for run in "${runs[@]}"; do
  case $run in
    direct-convert) measure direct-convert ;;
    direct-split) measure direct-split "${split[@]}" ;;
    flink-convert) measure flink-convert "${flink[@]}" ;;
    flink-split) measure flink-split "${flink[@]}" "${split[@]}" ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
done
