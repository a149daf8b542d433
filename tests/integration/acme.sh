#!/usr/bin/env bash
# acme.sh - the public HTTPS certificate from ACME (docs/operations.md, "A public HTTPS
# certificate"): Debian's certbot, run with the doc's own command line, gets a certificate
# from Debian's pebble (an ACME test server; its DNS from pebble-challtestsrv answers
# 127.0.0.1 for every name, and it really validates http-01 against certbot's standalone
# server) on loopback; the gateway serves it, and a forced renewal is in force for the
# next handshake without a restart, while an open websocket stays open and the PIN cache
# still answers. The doc's lines are run with these substitutions only: door.example.org
# -> door.test, /etc/latchkey/pki -> a test directory, -g latchkey -> the test's group;
# certbot gets the flags that point it at pebble and at test directories.
# usage: acme.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

for tool in certbot pebble pebble-challtestsrv openssl curl; do
  command -v "$tool" >/dev/null || lk_fail "missing tool: $tool (scripts/install-deps.sh)"
done
PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3

# The doc's command block, line by line.
block=$(lk_doc_block "$ROOT/docs/operations.md" acme-commands)
lk_expect_eq "$(head -n 1 <<<"$block")" "apt-get install certbot" "the doc's first ACME line"
certbot_line=$(sed -n 2p <<<"$block")
[[ $certbot_line == "certbot certonly "* ]] || lk_fail "the doc's second ACME line: $certbot_line"
lk_expect_eq "$(grep -c . <<<"$block")" 2 "lines in the doc's ACME block"

lk_site_make --door "door1:Front door" --pin 246810
lk_site_metrics
OUT="$LK_TMP/public" LE="$LK_TMP/letsencrypt"
mkdir -p "$OUT" "$LE"

lk_log "pebble with its own TLS certificate, and a DNS that answers 127.0.0.1"
lk_free_port ACME_PORT; lk_free_port ACME_MGMT_PORT; lk_free_port HTTP01_PORT
lk_free_port TLS01_PORT; lk_free_port DNS_PORT; lk_free_port CHALL_MGMT_PORT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=pebble \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$LK_TMP/pebble.key" \
  -out "$LK_TMP/pebble.crt" 2>/dev/null || lk_fail "pebble's TLS certificate"
cat >"$LK_TMP/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$ACME_PORT", "managementListenAddress": "127.0.0.1:$ACME_MGMT_PORT",
  "certificate": "$LK_TMP/pebble.crt", "privateKey": "$LK_TMP/pebble.key",
  "httpPort": $HTTP01_PORT, "tlsPort": $TLS01_PORT, "ocspResponderURL": "",
  "externalAccountBindingRequired": false}}
JSON
lk_start challtestsrv pebble-challtestsrv -dns01 "127.0.0.1:$DNS_PORT" -defaultIPv4 127.0.0.1 \
  -defaultIPv6 "" -http01 "" -https01 "" -tlsalpn01 "" -management "127.0.0.1:$CHALL_MGMT_PORT"
lk_wait_port "$CHALL_MGMT_PORT" 10 "$LK_LAST_PID"
# No random wait before validating, and no nonce refused on purpose: a test, not a drill.
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 lk_start pebble pebble -config "$LK_TMP/pebble.json" \
  -dnsserver "127.0.0.1:$DNS_PORT"
lk_wait_port "$ACME_PORT" 10 "$LK_LAST_PID"

# certbot as the doc says, pointed at pebble (REQUESTS_CA_BUNDLE: pebble's TLS certificate).
line=${certbot_line//door.example.org/door.test}
line=${line//\/etc\/latchkey\/pki/$OUT}
line=${line//-g latchkey/-g $(id -gn)}
run_certbot() { # the doc's line, and the flags that point it at pebble and test directories
  REQUESTS_CA_BUNDLE="$LK_TMP/pebble.crt" eval "$line" --non-interactive \
    --server "https://127.0.0.1:$ACME_PORT/dir" --config-dir "$LE/config" --work-dir "$LE/work" \
    --logs-dir "$LE/logs" --http-01-address 127.0.0.1 --http-01-port "$HTTP01_PORT" \
    >>"$LK_TMP/certbot.log" 2>&1
}
lk_log "certbot certonly (the doc's line)"
run_certbot || lk_fail "certbot certonly failed: $(tail -n 5 "$LK_TMP/certbot.log")"
[ -s "$OUT/public.crt" ] && [ -s "$OUT/public.key" ] || lk_fail "the deploy hook wrote no files"
lk_expect_eq "$(stat -c %a "$OUT/public.key")" 640 "mode of the deployed key"
# pebble's roots change every run: the phones' trust here is its root, fetched from it.
curl -sS --max-time 5 --cacert "$LK_TMP/pebble.crt" "https://127.0.0.1:$ACME_MGMT_PORT/roots/0" \
  >"$LK_TMP/acme-root.pem" || lk_fail "pebble's root"

lk_log "the gateway on the ACME certificate"
lk_conf_set "$CONF" server cert "$OUT/public.crt"
lk_conf_set "$CONF" server key "$OUT/public.key"
lk_conf_set "$CONF" server public_origin "https://door.test:$GATEWAY_PORT"
lk_site_gw --check-config >/dev/null || lk_fail "--check-config with the ACME certificate"
# Two taps come a second or two apart (before and after the renewal): no pause after a
# pulse, or the second one meets the relay's minimum interval ("busy") when certbot is quick.
lk_conf_set "$SITE/device-door1.conf" relay min_interval_ms 0
lk_site_start_broker
lk_site_start_device door1
lk_site_start_gateway
lk_wait_port "$METRICS_PORT" 10 "$GW_PID"
lk_site_wait_online door1
URL="https://door.test:$GATEWAY_PORT"
phone() { # curl as alice's phone through the name door.test, trusting pebble's root
  curl -sS --max-time 15 --resolve "door.test:$GATEWAY_PORT:127.0.0.1" --cacert "$LK_TMP/acme-root.pem" \
    --cert "$PKI/issued/alice.crt" --key "$PKI/private/alice.key" "$@"
}
open_door() {
  phone -o "$LK_TMP/page" "$URL/" || return 1
  phone -o "$LK_TMP/result" -H "Origin: $URL" -d "csrf=$(lk_csrf_of "$LK_TMP/page")" \
    -d "pin=$PIN" -d door=door1 "$URL/action" || return 1
  grep -o 'data-result="[a-z-]*"' "$LK_TMP/result"
}
served_serial() {
  openssl s_client -connect "127.0.0.1:$GATEWAY_PORT" -servername door.test -cert "$PKI/issued/alice.crt" \
    -key "$PKI/private/alice.key" -CAfile "$LK_TMP/acme-root.pem" -verify_return_error </dev/null 2>/dev/null |
    openssl x509 -noout -serial
}
pin_checks() { curl -sS --max-time 5 "$MURL/metrics" | awk -v p="{path=\"$1\"}" '$1 == "latchkey_pin_checks_total" p { print $2 }'; }
first=$(served_serial) || lk_fail "no TLS handshake with the ACME certificate"
lk_expect_eq "$first" "$(openssl x509 -in "$OUT/public.crt" -noout -serial)" "certificate served"
lk_expect_eq "$(open_door)" 'data-result="opened"' "a tap through the ACME certificate"
lk_expect_eq "$(pin_checks scrypt)" 1 "PIN checks by scrypt before the renewal"

lk_log "an open websocket before the renewal"
lk_start ws "$PY" "$ROOT/tests/gateway/ws_client.py" "wss://door.test:$GATEWAY_PORT/ws" "$LK_TMP/acme-root.pem" \
  "$PKI/issued/alice.crt" "$PKI/private/alice.key" --origin "$URL" --connect 127.0.0.1 --seconds 120
WS_PID=$LK_LAST_PID
lk_wait_for 10 "websocket open" grep -q '^open latchkey.v1' "$LK_TMP/ws.log"

lk_log "certbot renew --force-renewal: in force without a restart"
run_certbot_renew() {
  REQUESTS_CA_BUNDLE="$LK_TMP/pebble.crt" certbot renew --force-renewal --no-random-sleep-on-renew --non-interactive \
    --config-dir "$LE/config" --work-dir "$LE/work" --logs-dir "$LE/logs" >>"$LK_TMP/certbot.log" 2>&1
}
run_certbot_renew || lk_fail "certbot renew failed: $(tail -n 5 "$LK_TMP/certbot.log")"
renewed=$(openssl x509 -in "$OUT/public.crt" -noout -serial)
[ "$renewed" != "$first" ] || lk_fail "renewal wrote the same certificate"
lk_wait_for 10 "the renewed certificate logged" grep -q "tls: server certificate $OUT/public.crt reloaded" "$GATEWAY_LOG"
lk_expect_eq "$(served_serial)" "$renewed" "certificate served after the renewal"
lk_is_child "$GW_PID" || lk_fail "the gateway is gone"
lk_expect_eq "$(grep -c '] started\|: started' "$GATEWAY_LOG")" 1 "gateway starts (no restart)"
if grep -q "server certificate not reloaded" "$GATEWAY_LOG"; then lk_fail "a renewal pair was refused"; fi

lk_log "the websocket is still open and the PIN cache still answers"
lk_is_child "$WS_PID" || lk_fail "the websocket client ended: $(cat "$LK_TMP/ws.log")"
if grep -q '^closed' "$LK_TMP/ws.log"; then lk_fail "websocket closed: $(cat "$LK_TMP/ws.log")"; fi
msgs=$(grep -c '^msg' "$LK_TMP/ws.log" || true)
lk_expect_eq "$(open_door)" 'data-result="opened"' "a tap after the renewal"
lk_expect_eq "$(pin_checks cache)" 1 "PIN checks from the cache after the renewal"
lk_expect_eq "$(pin_checks scrypt)" 1 "PIN checks by scrypt after the renewal"
ws_news() { [ "$(grep -c '^msg' "$LK_TMP/ws.log" || true)" -gt "$msgs" ]; }
lk_wait_for 10 "the open websocket reports the tap" ws_news
lk_log "all ACME checks passed"
