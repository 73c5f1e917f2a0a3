#!/usr/bin/env bash
# Nightly trainset run for cron. Runs one config for the logical date (default: today, UTC), appends the log to
# $TRAINSET_LOG_DIR/trainset-<date>.log, prints the TRAINSET_RESULT line, and exits with trainset's exit code
# (0 ok or already complete, 1 internal, 2 config, 3 data). Safe to retry: a completed run with the same run id is
# left as it is.
#
#   crontab:  15 2 * * *  /opt/trainset/runner-configs/examples/schedulers/trainset-nightly.sh /etc/trainset/nightly.yaml
#
# Environment: TRAINSET_HOME (the trainset checkout; default: three levels up from this script),
# TRAINSET_DATE (YYYY-MM-DD), TRAINSET_LOG_DIR (default $TRAINSET_HOME/logs), TRAINSET_OUTPUT (an output path, may
# hold {date}; default: the config's output.path).
set -uo pipefail
config="${1:?usage: trainset-nightly.sh CONFIG [extra trainset flags...]}"; shift
home="${TRAINSET_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
date="${TRAINSET_DATE:-$(date -u +%F)}"
logs="${TRAINSET_LOG_DIR:-$home/logs}"
mkdir -p "$logs"
log="$logs/trainset-$date.log"
args=(run --config "$config" --date "$date")
[[ -n "${TRAINSET_OUTPUT:-}" ]] && args+=(--output "$TRAINSET_OUTPUT")
echo "=== $(date -u +%FT%TZ) trainset ${args[*]} $*" >> "$log"
"$home/trainset" "${args[@]}" "$@" > "$logs/.result-$date" 2>> "$log"
code=$?
cat "$logs/.result-$date" >> "$log"
grep '^TRAINSET_RESULT ' "$logs/.result-$date" || echo "TRAINSET_RESULT {\"status\":\"failed\",\"exitCode\":$code,\"log\":\"$log\"}"
rm -f "$logs/.result-$date"
exit $code
