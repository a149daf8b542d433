#!/usr/bin/env bash
# crl_rollback.sh - attack matrix case "an older CRL put back": bob is revoked by a new CRL;
# then the CRL from before, validly signed and still inside its validity, is put back in
# its place. The gateway must refuse it (its CRL number is lower than the highest it
# accepted) and keep bob refused, while alice goes on; and after a restart with the old
# CRL still in place, bob stays refused (the gateway remembers the number in its state
# file and fails closed) until a newer CRL is published. The broker: its plugin refuses the
# older CRL at a reload, and Mosquitto does not start with it in place (the plugin keeps
# the number in plugin_opt_crlnumberfile) until a newer CRL is published.
# usage: crl_rollback.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is for the site helpers sourced below
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --pin 123456
lk_site_certs issue client bob >/dev/null
echo 112233 | lk_site_gw user add bob >/dev/null
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null # bob's certificate is not on it
cp "$PKI/crl.pem" "$LK_TMP/old-crl.pem"
lk_site_start_gateway --no-mqtt

as() { local out; out=$(LK_AS=$1 lk_phone "$URL/"); echo "${out%% *}"; } # the status only
status_is() { [ "$(as "$1")" = "$2" ]; }
lk_expect_eq "$(as bob)" 200 "bob before the revocation"

lk_log "revoking bob"
lk_site_certs revoke bob --reason keyCompromise >/dev/null
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_wait_for $(( 5 * LK_SLOW )) "bob refused at TLS" status_is bob curl-failed

lk_log "putting the older CRL back"
cp "$LK_TMP/old-crl.pem" "$PKI/crl.new" && mv "$PKI/crl.new" "$PKI/crl.pem"
reloads() { [ "$(grep -c "crl: .* reloaded" "$GATEWAY_LOG")" -ge 2 ]; } # the revocation, then this
lk_wait_for $(( 5 * LK_SLOW )) "the gateway read the CRL file again" reloads
lk_expect_eq "$(as bob)" curl-failed "bob with the older CRL put back"
lk_expect_eq "$(as alice)" 200 "alice with the older CRL put back"
grep -q "crl: .* refused: CRL number .* is lower than .* the CRL in force stays" "$GATEWAY_LOG" ||
  lk_fail "the older CRL's refusal not logged"
[ -s "$DB.crl-number" ] || lk_fail "no CRL number state file beside the database"

lk_log "restarting the gateway with the older CRL still in place"
lk_stop "$GW_PID"
lk_site_start_gateway --no-mqtt
grep -q "crl: .* refused: CRL number .* refusing every client certificate" "$GATEWAY_LOG" ||
  lk_fail "the older CRL not refused at start-up"
lk_expect_eq "$(as bob)" curl-failed "bob after the restart"
lk_expect_eq "$(as alice)" curl-failed "alice after the restart (no usable CRL: fail closed)"

lk_log "a newer CRL: alice again, bob still revoked"
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_wait_for $(( 5 * LK_SLOW )) "alice served again" status_is alice 200
lk_expect_eq "$(as bob)" curl-failed "bob with the newer CRL"
lk_log "an older CRL does not un-revoke, before or after a restart"

# The broker: its plugin keeps the newest CRL number it accepted (plugin_opt_crlnumberfile);
# Mosquitto's own crlfile check would take any validly signed CRL, so a broker restarted
# with an older CRL in place must not come up at all.
lk_log "the broker: started with the newest CRL, then the older one put back"
lk_site_start_broker
MLOG=$LK_TMP/mosquitto.log
[ -s "$SITE/broker/latchkey-home.crl-number" ] || lk_fail "the broker plugin kept no CRL number state file"
cp "$LK_TMP/old-crl.pem" "$PKI/crl.new" && mv "$PKI/crl.new" "$PKI/crl.pem"
kill -HUP "$BROKER_PID"
lk_wait_for $(( 5 * LK_SLOW )) "the plugin refuses the older CRL at the reload" \
  grep -q 'latchkey_revoke: .* lower than .* accepted before .*refused; keeping CRL number' "$MLOG"
lk_stop "$BROKER_PID"
lk_log "restarting the broker with the older CRL still in place"
lk_start mosquitto-rollback mosquitto -c "$SITE/broker/mosquitto.conf"
BAD_PID=$LK_LAST_PID
lk_wait_for $(( 10 * LK_SLOW )) "Mosquitto refuses to start" bash -c "! kill -0 $BAD_PID 2>/dev/null"
lk_has 'latchkey_revoke: the CRL .* lower than .* accepted before' <"$LK_TMP/mosquitto-rollback.log" ||
  lk_fail "the broker did not say why it refused to start: $(cat "$LK_TMP/mosquitto-rollback.log")"
lk_log "a newer CRL: the broker starts again"
lk_site_certs crl --out "$PKI/crl.pem" >/dev/null
lk_site_start_broker
lk_has 'latchkey_revoke: CRL number' <"$LK_TMP/mosquitto2.log" || lk_fail "the broker did not load the newer CRL"
lk_log "an older CRL does not un-revoke on the broker either, before or after a restart"
