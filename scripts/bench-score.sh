#!/usr/bin/env bash
# Reproducible list-hygiene benchmark (docs/benchmarks.md): generates a data set with the hidden
# `dev generate-dataset` command — SCALE × (1,000,000 subscribers, 10,000,000 engagement rows,
# 200,000 report/bounce messages) plus a campaign list for `clean` — then times, under GNU time,
# the subscriber and engagement imports, the ingest of the messages, `score`, one export, a
# second `score` (nothing changed), and `clean` of the campaign list. Prints wall time, CPU,
# peak RSS and rates per step, and the load average (the machine may be shared).
# Usage: scripts/bench-score.sh [SCALE]   (SCALE 1 = the issue's data set; 10 = ten times it;
# 0.1 = a tenth, to measure how the time grows with the data)
# BENCH_DIR=… puts the data elsewhere (SCALE 10 needs about 40 GB free).
set -euo pipefail
SCALE=${1:-1}
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$PWD/target/release/listhygiene
DIR=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$DIR"
# BENCH_KEEP=1 keeps the data set and the database for further runs.
[[ ${BENCH_KEEP:-} == 1 ]] || trap 'rm -rf "$DIR"/data "$DIR"/bench.db* "$DIR"/out' EXIT
export LISTHYGIENE_TOKEN_SECRET=bench-secret-0123456789abcdef
NOW=2026-12-01T00:00:00Z
scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { printf "%d", n * s }'; }
SUBSCRIBERS=$(scaled 1000000)
ENGAGEMENT=$(scaled 10000000)
EVENTS=$(scaled 200000)
FILES=$(awk -v s="$SCALE" 'BEGIN { f = int(s); print (f < 1 ? 1 : f) }')
DB="$DIR/bench.db"
# keep_raw = false: the raw reports are not what this benchmark measures and would need GBs.
printf '[database]\nkeep_raw = false\n' >"$DIR/bench.toml"
run() { # run NAME COMMAND...: time one step, print its line
    local name=$1; shift
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f '%e %U %S %M' -o "$DIR/time" "$@" >"$DIR/out.txt" 2>"$DIR/err.txt" || { cat "$DIR/err.txt" >&2; exit 1; }
    read -r wall user sys rss <"$DIR/time"
    printf '%-24s wall %7.2f s  cpu %7.2f s  peak RSS %5d MiB  load %s\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$load"
    tail -n 1 "$DIR/out.txt" | cut -c1-220 | sed 's/^/    /'
}
echo "scale $SCALE: $SUBSCRIBERS subscribers, $ENGAGEMENT engagement rows, $EVENTS messages; $(nproc) cores"
run generate "$BIN" --now $NOW dev generate-dataset --out "$DIR/data" --subscribers $SUBSCRIBERS \
    --engagement $ENGAGEMENT --engagement-files "$FILES" --events $EVENTS
L="$BIN --config $DIR/bench.toml --db $DB --now $NOW"
run "import subscribers" $L import subscribers "$DIR/data/subscribers.csv" --list news
for f in "$DIR"/data/engagement*.csv; do
    run "import $(basename "$f")" $L import engagement "$f"
    rm -f "$f"
done
run "ingest events" $L ingest "$DIR/data/events.mbox"
rm -f "$DIR/data/events.mbox"
run "score (first run)" $L score
run "export ses-csv" $L export --format ses-csv -o "$DIR/out/ses.csv"
run "export csv + flags" $L export --format csv --include flags -o "$DIR/out/all.csv"
run "score (no change)" $L score
run "clean campaign.csv" $L clean "$DIR/data/campaign.csv" -o "$DIR/out/clean.csv" --removed "$DIR/out/removed.csv"
echo "database: $(du -h "$DB" | cut -f1); exports: $(wc -l <"$DIR/out/ses.csv") SES rows"
