#!/usr/bin/env bash
# run.sh - sets up a Latchkey site on loopback (real Mosquitto, gateway, simulated device),
# gives headless Chromium the phone's certificate the way a person would (pk12util into
# the NSS db of its own HOME, the CA trusted), and runs the scenarios of e2e.mjs: alice (an
# admin) and bob (not one), on a 390x844 phone viewport in light and dark mode, with axe-core
# checking WCAG AA (contrast included) on each page.
# usage: run.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

. "$ROOT/tests/browser/setup.sh"

lk_site_make --door "door1:Front door" --door "door2:Back door" --door "garage:Garage" \
  --pin 135790 --ack-timeout-ms 3000
lk_site_start_broker
lk_site_start_device door1
DEVICE_PID=$LK_LAST_PID
# alice may open two of the three doors: the page must show only those.
lk_site_gw user doors alice door1,door2 >/dev/null
# The site's time zone: schedules and the admin page's times are in it.
sed -i '/^\[server\]$/a timezone = Europe/Berlin' "$CONF"
# bob: a user who is no admin, with a certificate of his own.
lk_site_certs issue client bob >/dev/null
lk_site_certs export bob --out "$SITE/bob.p12" --legacy | sed -n 's/^password: //p' >"$SITE/bob.p12.password"
printf '2468\n' | lk_site_gw user add bob --doors door1 >/dev/null
lk_site_start_gateway
lk_site_wait_online door1

# A guest in one command (scripts/invite-guest.sh, as docs/gateway.md "Guests" runs it):
# gina may open door1 until two hours from now; the enrollment link is fetched as the
# guest's phone would, and the .p12 imported into the guest browser's NSS db.
GUEST=gina
GUEST_UNTIL=$(TZ=Europe/Berlin date -d '+2 hours' '+%Y-%m-%d %H:%M')
lk_free_port ENROLL_PORT
LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase") lk_start invite \
  bash "$ROOT/scripts/invite-guest.sh" --pki "$PKI" --certs "$BUILD/certs-tool/latchkey-certs" \
  --gateway-cmd "$BUILD/gateway/latchkey-gateway -c $CONF" --timezone Europe/Berlin \
  "$GUEST" --doors door1 --until "$GUEST_UNTIL" -- --listen "127.0.0.1:$ENROLL_PORT" --minutes 2 --legacy
INVITE_PID=$LK_LAST_PID
lk_wait_for $(( 20 * LK_SLOW )) "the enrollment link" grep -q '^password: ' "$LK_TMP/invite.log"
LINK=$(sed -n 's/^link: //p' "$LK_TMP/invite.log")
GUEST_PIN=$(sed -n 's/^guest gina: PIN \([0-9]*\) .*/\1/p' "$LK_TMP/invite.log")
sed -n 's/^password: //p' "$LK_TMP/invite.log" >"$LK_TMP/guest.p12.password"
[ -n "$LINK" ] && [ -n "$GUEST_PIN" ] || lk_fail "invite-guest.sh printed no link or PIN"
curl -sS --fail --max-time 10 --cacert "$PKI/ca/ca.crt" --resolve "localhost:$ENROLL_PORT:127.0.0.1" \
  -o "$LK_TMP/guest.p12" "$LINK" || lk_fail "the enrollment link did not deliver the .p12"
lk_wait_for $(( 20 * LK_SLOW )) "the enrollment endpoint closed" grep -q '^enroll: endpoint closed' "$LK_TMP/invite.log"
wait "$INVITE_PID" || lk_fail "invite-guest.sh failed"
openssl x509 -in "$PKI/issued/$GUEST.crt" -noout -checkend 0 >/dev/null || lk_fail "guest certificate not valid now"
openssl x509 -in "$PKI/issued/$GUEST.crt" -noout -checkend 8000 >/dev/null &&
  lk_fail "the guest certificate outlives the visit (+10 min margin)"
mkdir -p "$LK_TMP/guest/.pki/nssdb"
certutil -N -d "sql:$LK_TMP/guest/.pki/nssdb" --empty-password
certutil -A -d "sql:$LK_TMP/guest/.pki/nssdb" -n "Latchkey demo CA" -t "C,," -i "$PKI/ca/ca.crt"
pk12util -i "$LK_TMP/guest.p12" -d "sql:$LK_TMP/guest/.pki/nssdb" -w "$LK_TMP/guest.p12.password" >/dev/null \
  || lk_fail "pk12util could not import the guest's .p12"

# The same gateway two days later (libfaketime), on a copy of the database and without a
# broker: the guest's certificate has expired by then, whatever the database says.
lk_free_port LATE_PORT
sqlite3 "$DB" ".backup '$LK_TMP/late.db'"
sed -e "s/^port = $GATEWAY_PORT\$/port = $LATE_PORT/" -e "s|^database = .*|database = $LK_TMP/late.db|" \
  -e "s|^uri = .*|uri = ssl://localhost:1|" "$CONF" >"$LK_TMP/late.conf"
FAKETIME_LIB=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT\.so\.1$' | head -n 1)
[ -n "$FAKETIME_LIB" ] || lk_fail "libfaketime is not installed (scripts/install-deps.sh installs faketime)"
# Preloaded into the gateway itself (not the faketime wrapper) so that its PID is the server's.
FAKETIME='+2d' LD_PRELOAD=$FAKETIME_LIB \
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
  lk_start gateway-late "$BUILD/gateway/latchkey-gateway" -c "$LK_TMP/late.conf"
lk_wait_port "$LATE_PORT" $(( 10 * LK_SLOW )) "$LK_LAST_PID"

# Two browser homes: one whose NSS db holds alice's certificate, one with only the CA.
for h in with-cert without-cert bob; do
  mkdir -p "$LK_TMP/$h/.pki/nssdb"
  certutil -N -d "sql:$LK_TMP/$h/.pki/nssdb" --empty-password
  certutil -A -d "sql:$LK_TMP/$h/.pki/nssdb" -n "Latchkey demo CA" -t "C,," -i "$PKI/ca/ca.crt"
done
pk12util -i "$SITE/alice.p12" -d "sql:$LK_TMP/with-cert/.pki/nssdb" -w "$SITE/alice.p12.password" >/dev/null \
  || lk_fail "pk12util could not import the exported .p12"
pk12util -i "$SITE/bob.p12" -d "sql:$LK_TMP/bob/.pki/nssdb" -w "$SITE/bob.p12.password" >/dev/null \
  || lk_fail "pk12util could not import bob's .p12"

ARTIFACTS="$BUILD/tests/browser/artifacts"
rm -rf "$ARTIFACTS"
LK_URL="$URL" LK_PIN="$PIN" LK_RELAY_LOG="$SITE/relay-door1.log" \
LK_ARTIFACTS="$ARTIFACTS" LK_HOME_WITH_CERT="$LK_TMP/with-cert" \
LK_HOME_WITHOUT_CERT="$LK_TMP/without-cert" LK_HOME_BOB="$LK_TMP/bob" LK_DEVICE_PID="$DEVICE_PID" \
LK_GATEWAY_BIN="$BUILD/gateway/latchkey-gateway" LK_GATEWAY_CONF="$CONF" \
LK_HOME_GUEST="$LK_TMP/guest" LK_GUEST="$GUEST" LK_GUEST_PIN="$GUEST_PIN" \
LK_LATE_URL="https://localhost:$LATE_PORT" LK_LATE_LOG="$LK_TMP/gateway-late.log" \
  timeout 420 node "$HERE/e2e.mjs"
