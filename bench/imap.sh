#!/usr/bin/env bash
# IMAP benchmark (docs/benchmarks.md): N messages (default 10,000) written into a throwaway
# Dovecot (tests/support/dovecot.sh), a bare `UID FETCH 1:* (BODY.PEEK[])` timed with the imap
# crate over the same TLS stream, then `listhygiene poll` and a second poll with nothing new.
# Usage: bench/imap.sh [N] [RUNS]
set -euo pipefail
N=${1:-10000}
RUNS=${2:-1}
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo build --release --quiet --example imap_bench
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
  echo "--- run $run"
  target/release/examples/imap_bench target/release/listhygiene "$N" 2>/dev/null
done
