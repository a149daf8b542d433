#!/usr/bin/env bash
# h2_long_wait.sh - an action over HTTP/2 that waits longer than the gateway's idle timeout
# (keepalive_timeout, 30 s) for its device's ack keeps its connection: lws restarts an h2
# connection's idle timer only when a frame arrives, so the gateway's hold timer does it
# while the action waits (server.c). The device never acks: 504 after the 35 s ack timeout.
# usage: h2_long_wait.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3
"$PY" -c 'import h2' 2>/dev/null || lk_fail "python3-h2 missing (scripts/install-deps.sh)"

lk_site_make --door "door1:Front door" --pin 135790 --ack-timeout-ms 35000
lk_site_start_broker
lk_site_start_gateway # door1's device is not started: the command is never acked
"$PY" "$ROOT/tests/gateway/h2_client.py" "$GATEWAY_PORT" "$PKI/ca/ca.crt" "$PKI/issued/alice.crt" \
  "$PKI/private/alice.key" wait "$PIN" door1 $(( 45 * LK_SLOW )) >"$LK_TMP/h2-wait.out" ||
  lk_fail "$(tail -n1 "$LK_TMP/h2-wait.out")"
cat "$LK_TMP/h2-wait.out" >&2
grep -q "door=door1 .*result=not-confirmed reason=timeout latency_ms=3[5-9][0-9][0-9][0-9]$" "$GATEWAY_LOG" ||
  lk_fail "the action's result is not logged as a timeout with its client: $(grep 'action result' "$GATEWAY_LOG")"
lk_log "an h2 action waited 35 s on an otherwise idle connection and got its answer"
