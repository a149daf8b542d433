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
# bob: a user who is no admin, with a certificate of his own.
lk_site_certs issue client bob >/dev/null
lk_site_certs export bob --out "$SITE/bob.p12" --legacy | sed -n 's/^password: //p' >"$SITE/bob.p12.password"
printf '2468\n' | lk_site_gw user add bob --doors door1 >/dev/null
lk_site_start_gateway
lk_site_wait_online door1

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
  timeout 420 node "$HERE/e2e.mjs"
