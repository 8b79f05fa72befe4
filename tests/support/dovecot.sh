#!/usr/bin/env bash
# A throwaway Dovecot IMAP server on loopback, for listhygiene's integration tests, the IMAP
# benchmark and .ci/run. Nothing under /etc/dovecot is read or written.
#
#   tests/support/dovecot.sh start DIR [--owner PID [--cleanup]]
#                                                      start an instance in DIR (created if
#                                                      missing); with --owner, it stops itself
#                                                      once process PID has exited (and with
#                                                      --cleanup then deletes DIR)
#   tests/support/dovecot.sh stop DIR                  stop it (waits until it has stopped)
#   tests/support/dovecot.sh kill DIR                  SIGKILL every process of the instance
#   tests/support/dovecot.sh install                   install Dovecot if missing (root + apt)
#
# `start` prints KEY=VALUE lines on stdout, the last of them READY=1:
#   IMAP_PORT     plain IMAP with STARTTLS
#   IMAPS_PORT    implicit TLS
#   CA_FILE       the self-signed server certificate (EC P-256, CA:FALSE, SAN localhost and
#                 127.0.0.1) to trust as the root
#   MAIL_ROOT     maildirs live in MAIL_ROOT/USER/Maildir
#   MAIL_UID, MAIL_GID  owner that files written straight into a Maildir must have
#   PASSWORD      every user name logs in with this password (static passdb), so each test can
#                 use its own user and so its own mailboxes
#   CONFIG        the dovecot.conf, for doveadm -c
# Starting again with the same DIR after a stop or kill reuses the ports and the mail.
#
# Exit status: 0 ready; 2 Dovecot is missing and cannot be installed (not root, or no apt-get),
# or it did not come up (the log is printed on stderr).
set -euo pipefail

PASSWORD=secret

die() { echo "dovecot.sh: $*" >&2; exit 2; }

have_dovecot() { command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; }

install_dovecot() {
  if have_dovecot && command -v openssl >/dev/null 2>&1; then return 0; fi
  # Tests start instances in parallel: one apt-get at a time.
  if command -v flock >/dev/null 2>&1 && [ -z "${DOVECOT_SH_LOCKED:-}" ]; then
    DOVECOT_SH_LOCKED=1 flock "${TMPDIR:-/tmp}/listhygiene-dovecot-install.lock" bash "$0" install
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    die "dovecot is not installed and this is not root: install dovecot-imapd and openssl (apt-get install -y dovecot-imapd openssl)"
  fi
  command -v apt-get >/dev/null 2>&1 || die "dovecot is not installed and apt-get is missing: install Dovecot 2.3 (imapd) and openssl by hand"
    export DEBIAN_FRONTEND=noninteractive
  # The package's postinst may try to start the system-wide service; there is no init here, and
  # a policy-rc.d that says "no" keeps it from trying.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1
  fi
  local pkgs=""
  have_dovecot || pkgs="dovecot-imapd"
  command -v openssl >/dev/null 2>&1 || pkgs="$pkgs openssl"
  # shellcheck disable=SC2086
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends $pkgs; } >&2 \
    || { [ "$created_policy" = 1 ] && rm -f "$policy"; die "apt-get install dovecot-imapd failed"; }
  [ "$created_policy" = 1 ] && rm -f "$policy"
  have_dovecot || die "dovecot still missing after apt-get install"
}

dovecot_bin() { command -v dovecot 2>/dev/null || echo /usr/sbin/dovecot; }
doveadm_bin() { command -v doveadm 2>/dev/null || echo /usr/bin/doveadm; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# Reads the greeting on the plain port: ready means `* OK`, not just an open socket.
greeting_ok() {
  local line=""
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  IFS= read -r -t 2 line <&3 || true
  exec 3<&- 3>&-
  [[ "$line" == "* OK"* ]]
}

write_config() {
  local d=$1 p=$2 ps=$3 iu ig lu muid mgid
  if [ "$(id -u)" = 0 ]; then
    iu=dovecot; ig=dovecot; lu=dovenull
    muid=$(id -u dovecot); mgid=$(id -g dovecot)
  else
    iu=$(id -un); ig=$(id -gn); lu=$(id -un)
    muid=$(id -u); mgid=$(id -g)
  fi
  mkdir -p "$d/run" "$d/state" "$d/mail"
  cat >"$d/dovecot.conf" <<CONF
# Self-contained test Dovecot 2.3 written by tests/support/dovecot.sh: nothing under
# /etc/dovecot is read.
protocols = imap
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
instance_name = listhygiene-test-$p
log_path = $d/dovecot.log
default_internal_user = $iu
default_internal_group = $ig
default_login_user = $lu
first_valid_uid = 1
first_valid_gid = 1

ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0

# Any user name, one password: each test uses its own user and so its own mailboxes.
passdb {
  driver = static
  args = password=$PASSWORD
}
userdb {
  driver = static
  args = uid=$muid gid=$mgid home=$d/mail/%u mail=maildir:$d/mail/%u/Maildir
}
namespace inbox {
  inbox = yes
  separator = /
}
# IDLE is woken by inotify (~0.5 s); this is the fallback poll
mailbox_idle_check_interval = 1 secs
# many parallel test connections from one address
mail_max_userip_connections = 200

service imap-login {
  chroot =
  inet_listener imap {
    port = $p
  }
  inet_listener imaps {
    port = $ps
    ssl = yes
  }
  process_min_avail = 1
}
# no chroots: a non-root master cannot chroot
service anvil {
  chroot =
  # no growing delay after repeated failed logins
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service ipc {
  chroot =
}
CONF
  printf 'IMAP_PORT=%s\nIMAPS_PORT=%s\nMAIL_UID=%s\nMAIL_GID=%s\n' "$p" "$ps" "$muid" "$mgid" >"$d/ports.env"
  chown "$muid:$mgid" "$d/mail"
}

make_cert() {
  local d=$1
  [ -s "$d/cert.pem" ] && [ -s "$d/key.pem" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=localhost" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1 || die "openssl could not make the test certificate"
  chmod 600 "$d/key.pem"
}

master_pid() { cat "$1/run/master.pid" 2>/dev/null || true; }

start() {
  local d=$1 owner=${2:-} cleanup=${3:-}
  install_dovecot
  mkdir -p "$d"
  d=$(cd "$d" && pwd)
  # The mail processes run as the mail user: they must be able to enter DIR (a tempdir is 0700).
  chmod 755 "$d"
  make_cert "$d"
  local attempt p ps
  for attempt in 1 2 3 4 5; do
    if [ -s "$d/ports.env" ] && [ "$attempt" = 1 ]; then
      # shellcheck disable=SC1091
      . "$d/ports.env"; p=$IMAP_PORT; ps=$IMAPS_PORT
    else
      p=$(pick_port); ps=$(pick_port)
      [ "$p" = "$ps" ] && continue
    fi
    write_config "$d" "$p" "$ps"
    : >"$d/dovecot.log"
    "$(dovecot_bin)" -c "$d/dovecot.conf" 2>>"$d/dovecot.log" || { sleep 0.2; continue; }
    for _ in $(seq 1 100); do
      if greeting_ok "$p"; then
        # shellcheck disable=SC1091
        . "$d/ports.env"
        if [ -n "$owner" ]; then
          # Stop with the owner: a test binary that ends (or dies) takes its server with it.
          nohup bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; bash "$2" stop "$3"; [ "$4" = 1 ] && rm -rf "$3"' \
            _ "$owner" "$(readlink -f "$0")" "$d" "$cleanup" >/dev/null 2>&1 &
        fi
        cat <<OUT
IMAP_PORT=$IMAP_PORT
IMAPS_PORT=$IMAPS_PORT
CA_FILE=$d/cert.pem
MAIL_ROOT=$d/mail
MAIL_UID=$MAIL_UID
MAIL_GID=$MAIL_GID
PASSWORD=$PASSWORD
CONFIG=$d/dovecot.conf
READY=1
OUT
        return 0
      fi
      if [ -z "$(master_pid "$d")" ] || ! kill -0 "$(master_pid "$d")" 2>/dev/null; then
        break # the master died (port taken?): try other ports
      fi
      sleep 0.05
    done
    stop "$d" >/dev/null 2>&1 || true
  done
  echo "dovecot.sh: Dovecot did not come up in $d; its log:" >&2
  cat "$d/dovecot.log" >&2 || true
  exit 2
}

stop() {
  local d=$1 pid
  [ -f "$d/dovecot.conf" ] || return 0
  pid=$(master_pid "$d")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    "$(doveadm_bin)" -c "$d/dovecot.conf" stop 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
}

kill_all() {
  local d=$1 pid
  [ -f "$d/dovecot.conf" ] || return 0
  pid=$(master_pid "$d")
  [ -n "$pid" ] || return 0
  # The master and every process it started (imap-login, imap, auth ...).
  local pids
  pids=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
  kill -9 "$pid" $pids 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$d/run/master.pid"
}

cmd=${1:-}
case "$cmd" in
  start)
    [ $# -ge 2 ] || die "usage: $0 start DIR [--owner PID [--cleanup]]"
    owner=""; cleanup=""
    if [ "${3:-}" = "--owner" ]; then owner=${4:?--owner needs a PID}; fi
    if [ "${5:-}" = "--cleanup" ]; then cleanup=1; fi
    start "$2" "$owner" "$cleanup" ;;
  stop) [ $# -ge 2 ] || die "usage: $0 stop DIR"; stop "$(cd "$2" 2>/dev/null && pwd || echo "$2")" ;;
  kill) [ $# -ge 2 ] || die "usage: $0 kill DIR"; kill_all "$(cd "$2" 2>/dev/null && pwd || echo "$2")" ;;
  install) install_dovecot ;;
  *) die "usage: $0 start DIR [--owner PID [--cleanup]] | stop DIR | kill DIR | install" ;;
esac
