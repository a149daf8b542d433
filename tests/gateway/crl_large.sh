#!/usr/bin/env bash
# crl_large.sh - a large CRL (20 000 entries, latchkey-crl-gen) read on the gateway's CRL
# thread and swapped in: loaded once at start-up (latchkey_crl_loads_total 1); a SIGHUP or a
# touch with the CRL unchanged parses nothing (logged "unchanged", the loads counter stays,
# the unchanged counter grows); a new large CRL that revokes alice is in force for a new
# handshake, an open keep-alive connection and an open websocket; an older one put back
# never replaces it (logged, alice stays refused). Timing is measured by scripts/bench.sh
# --only crl, not here.
# usage: crl_large.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3
"$PY" -c 'import websockets' 2>/dev/null || lk_fail "python3-websockets missing (scripts/install-deps.sh)"

lk_site_make --pin 135790
lk_site_metrics
GEN="$BUILD/tests/bench/latchkey-crl-gen"
export LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase")
ALICE=$(openssl x509 -noout -serial -in "$PKI/issued/alice.crt" | cut -d= -f2)
BIG="$LK_TMP/big.pem"
# big_crl NUMBER [SERIAL...]: BIG with 20 000 entries (and SERIAL) numbered NUMBER
big_crl() { "$GEN" "$PKI/ca/ca.crt" "$PKI/ca/ca.key" "$BIG" 20000 "$@" || lk_fail "latchkey-crl-gen"; }
big_crl 100
cp "$BIG" "$LK_TMP/big-100.pem"
lk_conf_set "$CONF" server crl "$BIG"

lk_site_start_gateway --no-mqtt
lk_wait_port "$METRICS_PORT" 10 "$GW_PID"
metric() { curl -sS --max-time 5 "$MURL/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
phone() { LK_AS=$1 lk_phone "$URL/"; }

lk_expect_eq "$(metric latchkey_crl_loads_total)" 1 "CRL loads at start-up (one, not two)"
lk_expect_eq "$(phone alice)" "200 " "alice with the large CRL"

lk_log "SIGHUP and a touch with the CRL unchanged: nothing parsed again"
kill -HUP "$GW_PID"
lk_wait_for 30 "unchanged CRL logged on SIGHUP" grep -q "crl: $BIG unchanged (same SHA-256): not parsed again" "$GATEWAY_LOG"
touch "$BIG"
more_unchanged() { [ "$(metric latchkey_crl_unchanged_total)" -ge 2 ]; }
lk_wait_for 30 "the touched CRL seen as unchanged" more_unchanged
lk_expect_eq "$(metric latchkey_crl_loads_total)" 1 "CRL loads after SIGHUP and touch"
lk_expect_eq "$(metric latchkey_crl_swaps_total)" 0 "CRL swaps after SIGHUP and touch"

lk_log "a new large CRL revokes alice: handshake, keep-alive request and websocket refused"
lk_start ws-alice "$PY" "$ROOT/tests/gateway/ws_client.py" "wss://localhost:$GATEWAY_PORT/ws" \
  "$PKI/ca/ca.crt" "$PKI/issued/alice.crt" "$PKI/private/alice.key" --origin "$URL" --seconds 60
lk_wait_for 30 "websocket open" grep -q '^open latchkey.v1' "$LK_TMP/ws-alice.log"
lk_keepalive_open keepalive alice
lk_keepalive_get keepalive /
lk_wait_for 30 "first answer on the kept-alive connection" grep -q '</html>' "$LK_TMP/keepalive.log"
reloads=$(lk_site_crl_reloads)
big_crl 101 "$ALICE"
lk_site_wait_crl_reload "$reloads"
grep -q "crl: read and checked in [0-9]* ms on the CRL thread, swapped in on the event loop in [0-9]* us" "$GATEWAY_LOG" ||
  lk_fail "swap not logged with its times"
lk_expect_eq "$(phone alice)" "curl-failed " "a new handshake of alice after the swap"
lk_keepalive_get keepalive /style.css
lk_wait_for 30 "refusal on the kept-alive connection" grep -q '^HTTP/1.1 403' "$LK_TMP/keepalive.log"
grep -q 'data-result="revoked"' "$LK_TMP/keepalive.log" || lk_fail "keep-alive refusal page"
lk_keepalive_close keepalive
lk_wait_for 30 "websocket closed with 1008" grep -q '^closed 1008' "$LK_TMP/ws-alice.log"
lk_expect_eq "$(metric latchkey_crl_loads_total)" 2 "CRL loads after the new CRL"
lk_expect_eq "$(metric latchkey_crl_swaps_total)" 1 "CRL swaps after the new CRL"

lk_log "the older CRL put back: refused, the new one stays in force"
cp "$LK_TMP/big-100.pem" "$BIG.tmp" && mv "$BIG.tmp" "$BIG"
lk_wait_for 30 "rollback refused" grep -q "crl: $BIG refused: CRL number 64 is lower than 65" "$GATEWAY_LOG"
lk_expect_eq "$(phone alice)" "curl-failed " "alice after the older CRL was put back"
lk_expect_eq "$(metric latchkey_crl_valid)" 1 "latchkey_crl_valid after the refused rollback"
kill -0 "$GW_PID" || lk_fail "gateway died"
lk_log "large CRL checks passed"
