#!/usr/bin/env bash
# Times `audit` and `report` (every format) on 1,000,000 subscribers, 2,000,000 sends and
# 200,000 events (docs/benchmarks.md). Usage: scripts/bench-report.sh [SUBSCRIBERS] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
SUBS=${1:-1000000}
EVENTS=${2:-200000}
cargo build --release --quiet
BIN=target/release/listhygiene
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# BENCH_DB=path keeps the generated database there and reuses it on the next run.
DB=${BENCH_DB:-$WORK/bench.db}
CONFIG=samples/report/listhygiene.toml
NOW=$(date +%s)
if [ ! -s "$DB" ]; then
    $BIN --db "$DB" unresolved >/dev/null   # creates and migrates the database
    python3 scripts/bench-report-data.py "$DB" "$SUBS" "$EVENTS" "$NOW"
fi
ls -lh "$DB"
run() {
    local start end
    start=$(date +%s.%N)
    "$BIN" -q --db "$DB" --config "$CONFIG" "$@" >"$WORK/out" || true
    end=$(date +%s.%N)
    printf '%-40s %6.2f s  %s bytes\n' "$*" "$(echo "$end - $start" | bc)" "$(wc -c <"$WORK/out")"
}
run report --since 30d --format text
run report --since 30d --format json
run report --since 30d --format html
run audit --format text
run audit --format json
run audit --format csv
run audit --format html
