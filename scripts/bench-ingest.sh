#!/usr/bin/env bash
# Reproducible ingest benchmark (docs/benchmarks.md): generate N messages into an mbox with the
# hidden `dev generate` command, ingest them into a fresh database, then ingest them again.
# Prints messages/s, peak RSS (GNU time) and the database size. Usage: scripts/bench-ingest.sh [N]
set -euo pipefail
N=${1:-100000}
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/listhygiene
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
export LISTHYGIENE_TOKEN_SECRET=bench-secret-0123456789abcdef
"$BIN" dev generate --count "$N" --seed 1 --out "$DIR/bench.mbox" --sends "$DIR/sends.csv"
echo "mbox: $(du -h "$DIR/bench.mbox" | cut -f1), $N messages; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in first second; do
    /usr/bin/time -v "$BIN" --db "$DIR/bench.db" ingest --json "$DIR/bench.mbox" 2>"$DIR/time.$run" >"$DIR/out.$run"
    summary=$(tail -n 1 "$DIR/out.$run")
    seconds=$(sed -E 's/.*"seconds":([0-9.]+).*/\1/' <<<"$summary")
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$DIR/time.$run")
    wall=$(awk -F': ' '/Elapsed/ {print $2}' "$DIR/time.$run")
    cpu=$(awk -F': ' '/Percent of CPU/ {print $2}' "$DIR/time.$run")
    rate=$(awk -v n="$N" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
    echo "$run run: $summary"
    echo "$run run: ${rate} messages/s, wall $wall, CPU $cpu, peak RSS $((rss / 1024)) MiB"
done
"$BIN" --db "$DIR/bench.db" import sends "$DIR/sends.csv" >/dev/null
echo "database: $(du -b "$DIR/bench.db" | cut -f1) bytes ($(du -h "$DIR/bench.db" | cut -f1)) after a WAL checkpoint"
