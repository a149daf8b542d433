#!/usr/bin/env bash
# audit_full.sh - fault: the file system of the gateway's database is full (a 1 MiB tmpfs in
# a private mount namespace, filled up while the gateway runs). The gateway fails closed:
# 503 audit-unavailable, the log says why, the relay does not move; with space again it
# opens. (A database locked by another writer is covered by tests/integration/identity.sh.)
# Needs root (mount) and unshare(1); otherwise skipped (exit 77).
# usage: audit_full.sh SOURCE_DIR BUILD_DIR
if [ -z "${LK_IN_MOUNT_NS:-}" ]; then
  if [ "$(id -u)" -ne 0 ] || ! unshare -m --propagation private true 2>/dev/null; then
    echo "SKIP: needs root and a private mount namespace (unshare -m) for a tiny tmpfs" >&2
    exit 77
  fi
  LK_IN_MOUNT_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door door1 --ack-timeout-ms 8000
FS="$LK_TMP/dbfs"
mkdir -p "$FS"
mount -t tmpfs -o size=1m,mode=0700 latchkey-test "$FS" || { echo "SKIP: cannot mount a tmpfs" >&2; exit 77; }
mv "$DB" "$FS/gateway.db"
DB="$FS/gateway.db"
sed -i "s|^database = .*|database = $DB|" "$CONF"
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_site_wait_online door1
out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "action with room on the disk"

lk_log "the database's file system fills up: refuse, say why, relay untouched"
dd if=/dev/zero of="$FS/fill" bs=4k 2>/dev/null || true # until ENOSPC
[ "$(df --output=avail -k "$FS" | tail -n1 | tr -d ' ')" -eq 0 ] || lk_fail "the file system is not full: $(df -k "$FS")"
sleep 2 # the device's minimum interval after the first pulse
ons=$(lk_relay_count door1 on)
for i in 1 2; do
  out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
  lk_expect_eq "$out" "503 audit-unavailable" "right PIN $i with the disk full"
done
sleep 1 # a pulse would show up within this time
lk_expect_eq "$(lk_relay_count door1 on)" "$ons" "relay pulses with the disk full"
grep -q 'audit: cannot write (.*full' "$GATEWAY_LOG" || lk_fail "no 'audit: cannot write (... full)' log line"
grep -q 'audit: cannot write' "$GATEWAY_LOG" && lk_log "logged: $(grep -m1 'audit: cannot write' "$GATEWAY_LOG" | cut -d' ' -f3-)"

lk_log "space again: the next action opens"
rm -f "$FS/fill"
out=$(lk_post -d pin="$PIN" -d door=door1 "$URL/action")
lk_expect_eq "$out" "200 opened" "right PIN with room again"
lk_expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity_check"
lk_stop "$GW_PID"
umount "$FS"
lk_log "full audit storage fails closed"
