#!/usr/bin/env bash
# run.sh - sets up a Latchkey site on loopback (real Mosquitto, gateway, simulated device),
# gives headless Chromium the phone's certificate the way a person would (pk12util into
# the NSS db of its own HOME, the CA trusted), and runs the scenarios of e2e.mjs.
# usage: run.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"

[ -x /usr/bin/chromium ] || lk_fail "chromium is not installed (scripts/install-deps.sh installs it)"
HERE="$ROOT/tests/browser"
# playwright-core from the npm registry, pinned by package-lock.json; never a browser download.
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null) \
    || lk_fail "npm ci failed in tests/browser"
fi

BROKER_PORT=$(lk_free_port)
GATEWAY_PORT=$(lk_free_port)
SITE="$LK_TMP/site"
PIN=135790
bash "$ROOT/scripts/make-site.sh" --bin "$BUILD" --out "$SITE" --broker-port "$BROKER_PORT" \
  --gateway-port "$GATEWAY_PORT" --door "door1:Front door" --door "door2:Back door" --door "garage:Garage" \
  --pin "$PIN" --ack-timeout-ms 3000 >/dev/null

lk_start mosquitto mosquitto -c "$SITE/broker/mosquitto.conf"
lk_wait_port "$BROKER_PORT" 10 "$LK_LAST_PID"
lk_start device-door1 "$BUILD/firmware/port/posix/latchkey-device" -c "$SITE/device-door1.conf"
DEVICE_PID=$LK_LAST_PID
# alice may open two of the three doors: the page must show only those.
"$BUILD/gateway/latchkey-gateway" -c "$SITE/gateway.conf" user doors alice door1,door2 >/dev/null
lk_start gateway "$BUILD/gateway/latchkey-gateway" -c "$SITE/gateway.conf"
lk_wait_port "$GATEWAY_PORT" 10 "$LK_LAST_PID"
device_online() {
  [ "$(mosquitto_sub -h localhost -p "$BROKER_PORT" --cafile "$SITE/pki/ca/ca.crt" \
    --cert "$SITE/pki/issued/gateway.crt" --key "$SITE/pki/private/gateway.key" \
    -i "browser-test-$$" -t latchkey/home/door1/availability -C 1 -W 2 2>/dev/null)" = online ]
}
lk_wait_for 15 "device door1 online" device_online

# Two browser homes: one whose NSS db holds alice's certificate, one with only the CA.
for h in with-cert without-cert; do
  mkdir -p "$LK_TMP/$h/.pki/nssdb"
  certutil -N -d "sql:$LK_TMP/$h/.pki/nssdb" --empty-password
  certutil -A -d "sql:$LK_TMP/$h/.pki/nssdb" -n "Latchkey demo CA" -t "C,," -i "$SITE/pki/ca/ca.crt"
done
pk12util -i "$SITE/alice.p12" -d "sql:$LK_TMP/with-cert/.pki/nssdb" -w "$SITE/alice.p12.password" >/dev/null \
  || lk_fail "pk12util could not import the exported .p12"

ARTIFACTS="$BUILD/tests/browser/artifacts"
rm -rf "$ARTIFACTS"
LK_URL="https://localhost:$GATEWAY_PORT" LK_PIN="$PIN" LK_RELAY_LOG="$SITE/relay-door1.log" \
LK_ARTIFACTS="$ARTIFACTS" LK_HOME_WITH_CERT="$LK_TMP/with-cert" \
LK_HOME_WITHOUT_CERT="$LK_TMP/without-cert" LK_DEVICE_PID="$DEVICE_PID" \
LK_GATEWAY_BIN="$BUILD/gateway/latchkey-gateway" LK_GATEWAY_CONF="$SITE/gateway.conf" \
  timeout 240 node "$HERE/e2e.mjs"
