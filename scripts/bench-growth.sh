#!/usr/bin/env bash
# How the list-hygiene job's time grows with the data (issue 5: ten times the data within twelve
# times the time), measured so that the machine's own drift cancels out. bench-score.sh runs one
# size after the other, and this VM's speed moves by up to half within the half hour that SCALE 10
# takes; here every step runs three times back to back: on a SCALE 1 data set, on the SCALE 10 one,
# then on a second, identical SCALE 1 database. The ratio divides the SCALE 10 time by the mean of
# the two SCALE 1 times; "drift" is the second SCALE 1 time over the first (1.00 = the machine held
# still across that step).
# Steps as in bench-score.sh: import subscribers, import engagement (SCALE 10: ten files of
# 10,000,000 rows, one after the other; the sum is timed), ingest, score, two exports, a second
# score, clean. Wall times in seconds; peak RSS is the largest of the step's commands. The last
# line adds the steps up: the whole job on each data set.
# BENCH_STEPS="…" runs only the steps named (in that order); import_engagement_together imports
# the engagement files with one command (one sort, one transaction) instead of one by one.
# Usage: scripts/bench-growth.sh [BIG_SCALE [SMALL_SCALE]]   (defaults 10 and 1; BENCH_DIR=… for
# the data, about 40 GB free at 10, about 70 GB with import_engagement_together, whose one
# transaction holds its sorted spill files and then a WAL the size of the table; BENCH_KEEP=1
# keeps data sets and databases; BENCH_BIN=… a binary to measure instead of a fresh release build)
set -euo pipefail
BIG=${1:-10}
SMALL=${2:-1}
cd "$(dirname "$0")/.."
# BENCH_BIN=… measures a given binary (a build kept aside: target/ may be rebuilt meanwhile).
if [[ -n ${BENCH_BIN:-} ]]; then
    BIN=$(realpath "$BENCH_BIN")
else
    cargo build --release --quiet
    BIN=$PWD/target/release/listhygiene
fi
DIR=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$DIR"/out
[[ ${BENCH_KEEP:-} == 1 ]] || trap 'rm -rf "$DIR"/small "$DIR"/big "$DIR"/*.db* "$DIR"/out' EXIT
export LISTHYGIENE_TOKEN_SECRET=bench-secret-0123456789abcdef
NOW=2026-12-01T00:00:00Z
printf '[database]\nkeep_raw = false\n' >"$DIR/bench.toml"

generate() { # generate DIR SCALE
    local files; files=$(awk -v s="$2" 'BEGIN { f = int(s); print (f < 1 ? 1 : f) }')
    "$BIN" --now $NOW dev generate-dataset --out "$1" --subscribers "$(awk -v s="$2" 'BEGIN { printf "%d", 1000000 * s }')" \
        --engagement "$(awk -v s="$2" 'BEGIN { printf "%d", 10000000 * s }')" --engagement-files "$files" \
        --events "$(awk -v s="$2" 'BEGIN { printf "%d", 200000 * s }')" >/dev/null
}

free_disk() { df -h "$DIR" | awk 'NR == 2 { print $4 " free in " $6 }'; }

# fail WHAT: stops the run, saying how much disk is left: with the disk full even a failing
# command's error and GNU time's figures are lost.
fail() { echo "$1; $(free_disk)" >&2; exit 1; }

# t COMMAND...: runs one command of a step under GNU time, adding to the step's totals.
t() {
    /usr/bin/time -f '%e %U %S %M' -o "$DIR/time" "$@" >"$DIR/out.txt" 2>"$DIR/err.txt" || {
        local status=$?
        cat "$DIR/err.txt" >&2
        fail "failed (exit $status): $*"
    }
    local wall user sys rss; read -r wall user sys rss <"$DIR/time" || true
    [[ -n ${rss:-} ]] || fail "no figures from GNU time for: $*"
    WALL=$(echo "$WALL + $wall" | bc); CPU=$(echo "$CPU + $user + $sys" | bc); (( rss > RSS )) && RSS=$rss
    return 0
}

# The steps; each reads $L (the command with its database), $D (the data set) and $O (outputs).
import_subscribers() { t $L import subscribers "$D/subscribers.csv" --list news; }
import_engagement() { for f in "$D"/engagement*.csv; do t $L import engagement "$f"; done; }
import_engagement_together() { t $L import engagement "$D"/engagement*.csv; }
ingest_events() { t $L ingest "$D/events.mbox"; }
score_first() { t $L score; }
export_ses_csv() { t $L export --format ses-csv -o "$O/ses.csv"; }
export_csv_flags() { t $L export --format csv --include flags -o "$O/all.csv"; }
score_again() { t $L score; }
clean_campaign() { t $L clean "$D/campaign.csv" -o "$O/clean.csv" --removed "$O/removed.csv"; }

# on DB DATA STEP: runs STEP against DB with DATA; prints "wall cpu rss_mib load" and keeps the
# step's last output line in last-DB.txt.
on() {
    WALL=0 CPU=0 RSS=0
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    L="$BIN --config $DIR/bench.toml --db $DIR/$1 --now $NOW" D="$DIR/$2" O="$DIR/out/$1"
    mkdir -p "$O"
    "$3"
    echo "$WALL $CPU $((RSS / 1024)) $load"
    tail -n 1 "$DIR/out.txt" | cut -c1-200 >"$DIR/last-$1.txt"
}

echo "SCALE $SMALL against SCALE $BIG, each step on $SMALL, $BIG, $SMALL again; $(nproc) cores; $(free_disk); $(date -u +%FT%TZ)"
generate "$DIR/small" "$SMALL"
generate "$DIR/big" "$BIG"
STEPS=${BENCH_STEPS:-import_subscribers import_engagement ingest_events score_first export_ses_csv export_csv_flags score_again clean_campaign}
# Inputs no step of this run reads go at once: the disk needed stays lower.
[[ " $STEPS " == *" ingest_events "* ]] || rm -f "$DIR"/{small,big}/events.mbox
[[ " $STEPS " == *" clean_campaign "* ]] || rm -f "$DIR"/{small,big}/campaign.csv
printf '%-20s %9s %9s %9s %7s %6s %8s %8s %s\n' step "$SMALL (a)" "$BIG" "$SMALL (b)" ratio drift "RSS $SMALL" "RSS $BIG" load
# ratio A Z B: the SCALE BIG time over the mean of the two SCALE SMALL times, and the drift.
ratio() { printf '%6.1f× %6.2f' "$(echo "$2 * 2 / ($1 + $3)" | bc -l)" "$(echo "$3 / $1" | bc -l)"; }
total_a=0 total_z=0 total_b=0
for step in $STEPS; do
    small_a=$(on a.db small $step); big=$(on big.db big $step); small_b=$(on b.db small $step)
    read -r a _ rss_small load_a <<<"$small_a"
    read -r z _ rss_big _ <<<"$big"
    read -r b _ _ load_b <<<"$small_b"
    printf '%-20s %9.2f %9.2f %9.2f %s %6d M %6d M %s–%s\n' $step "$a" "$z" "$b" "$(ratio "$a" "$z" "$b")" \
        "$rss_small" "$rss_big" "$load_a" "$load_b"
    total_a=$(echo "$total_a + $a" | bc) total_z=$(echo "$total_z + $z" | bc) total_b=$(echo "$total_b + $b" | bc)
    sed 's/^/    '"$BIG"': /' "$DIR/last-big.db.txt"
    # The big data set's inputs are read once; dropping them keeps the disk needed near 40 GB.
    case $step in import_engagement*) rm -f "$DIR"/big/engagement*.csv ;; ingest_events) rm -f "$DIR/big/events.mbox" ;; esac
done
printf '%-20s %9.2f %9.2f %9.2f %s\n' total "$total_a" "$total_z" "$total_b" "$(ratio "$total_a" "$total_z" "$total_b")"
echo "databases: SCALE $SMALL $(du -h "$DIR/a.db" | cut -f1), SCALE $BIG $(du -h "$DIR/big.db" | cut -f1); $(date -u +%FT%TZ)"
