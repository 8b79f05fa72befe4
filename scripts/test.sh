#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs what the tests need (a Dovecot for
# the IMAP tests, Chromium for the HTML report test, OpenSSL for test certificates) when it is
# missing and we are root, then runs every test in release mode (the fuzz and scale tests are
# slow in debug).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "test.sh: missing ${need[*]} and cannot install them (need root and apt-get)" >&2
    exit 2
  fi
fi

cargo test --release --locked "$@"
