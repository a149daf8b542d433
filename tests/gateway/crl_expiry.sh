#!/usr/bin/env bash
# crl_expiry.sh - the warnings before the CRL's nextUpdate (docs/gateway.md, "Fail closed"),
# against a real gateway, Mosquitto and latchkey-certs: a CRL that expires in 2 days (under
# the default crl_warn_days = 7) raises every warning: the log line at start, the metric
# latchkey_crl_seconds_left, the banner on the admin's page (not on a plain user's), and
# EXPIRING in `latchkey-certs list`; a fresh 30-day CRL (the default validity) ends them
# without a restart; an expired CRL refuses every client as before.
# usage: crl_expiry.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door "door1:Front door"
lk_site_metrics
lk_site_certs issue client bob >/dev/null
echo 112233 | lk_site_gw user add bob --doors door1 >/dev/null || lk_fail "user add bob"
lk_site_certs crl --days 2 --out "$PKI/crl.pem" >/dev/null || lk_fail "crl --days 2"

lk_log "latchkey-certs list flags the CRL as EXPIRING"
list=$(lk_site_certs list) || lk_fail "list failed"
lk_has -E "^CRL $PKI/crl.pem: number [0-9]+, next update in (1 days 23|2 days 0) hours  EXPIRING" <<<"$list" ||
  lk_fail "list does not flag the CRL: $(tail -n 1 <<<"$list")"

lk_site_start_broker
lk_site_start_gateway
lk_wait_port "$METRICS_PORT" 10 "$GW_PID"
metric() { curl -sS --max-time 5 "$MURL/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

lk_log "the start-up log line"
lk_has -E "crl: WARNING: $PKI/crl.pem expires in (1 day 23|2 days 0) hours \(nextUpdate [0-9-]+ [0-9:]+ UTC, warning below 7 days\)" \
  <"$GATEWAY_LOG" || lk_fail "no expiry warning at start: $(grep crl: "$GATEWAY_LOG")"
lk_expect_eq "$(grep -c 'crl: WARNING' "$GATEWAY_LOG")" 1 "warnings logged at start (then daily)"

lk_log "the metric: seconds left, under 2 days and above 2 days less 10 minutes"
left=$(metric latchkey_crl_seconds_left)
[ -n "$left" ] && [ "$left" -le 172800 ] && [ "$left" -gt 172200 ] ||
  lk_fail "latchkey_crl_seconds_left = '$left'"
lk_expect_eq "$(metric latchkey_crl_valid)" 1 "latchkey_crl_valid (still current)"

lk_log "the banner: on the admin's page, not on bob's"
out=$(LK_AS=alice lk_phone "$URL/")
lk_expect_eq "${out%% *}" 200 "alice GET /"
lk_has -E 'data-warning="crl-expiring">The revocation list expires in (1 day 23|2 days 0) hours' <"$LK_TMP/body" ||
  lk_fail "no CRL banner on the admin's page"
out=$(LK_AS=bob lk_phone "$URL/")
lk_expect_eq "${out%% *}" 200 "bob GET /"
if lk_has 'data-warning=' <"$LK_TMP/body"; then lk_fail "CRL banner on a non-admin's page"; fi

lk_log "a fresh CRL (default 30 days): the warnings end without a restart"
reloads=$(lk_site_crl_reloads)
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_site_wait_crl_reload "$reloads"
left=$(metric latchkey_crl_seconds_left)
[ "$left" -gt $(( 29 * 86400 )) ] || lk_fail "latchkey_crl_seconds_left after renewal = '$left'"
LK_AS=alice lk_phone "$URL/" >/dev/null
if lk_has 'data-warning=' <"$LK_TMP/body"; then lk_fail "banner after a fresh CRL"; fi
lk_has -E "^CRL $PKI/crl.pem: number [0-9]+, next update in (29 days 23|30 days 0) hours$" <<<"$(lk_site_certs list)" ||
  lk_fail "list after a fresh CRL: $(lk_site_certs list | tail -n 1)"

lk_log "an expired CRL: refused as before, metric 0, list says EXPIRED"
lk_site_crl_dated '-2 days' '-1 day' "$PKI/crl.pem"
lk_wait_for 5 "expired CRL logged" grep -q "crl: .* is expired: refusing the client certificates of each CA whose CRL is expired" "$GATEWAY_LOG"
out=$(LK_AS=alice lk_phone "$URL/")
lk_expect_eq "${out%% *}" curl-failed "alice with an expired CRL"
lk_expect_eq "$(metric latchkey_crl_seconds_left)" 0 "latchkey_crl_seconds_left when expired"
lk_expect_eq "$(metric latchkey_crl_valid)" 0 "latchkey_crl_valid when expired"
lk_has "EXPIRED 1 days ago" <<<"$(lk_site_certs list)" || lk_fail "list does not say EXPIRED"
lk_log "all CRL expiry checks passed"
