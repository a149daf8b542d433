#!/usr/bin/env bash
# demo.sh - the README's demo command (scripts/demo.sh) on free loopback ports, with the
# programs of this build tree (LATCHKEY_DEMO_BIN: no second build), as a phone on the same
# network would meet it (LATCHKEY_DEMO_HOST=127.0.0.1 stands in for the machine's LAN
# address: loopback only). It checks its runtime packages, says what it does, comes up on
# that address with it in the server certificate, the curl lines it prints open a door
# (relay log), the enrollment link it prints (with a QR code) hands out the phone's .p12;
# SIGTERM stops everything it started (no listener left on its ports). A second run keeps
# the PKI (the same CA: an imported .p12 goes on working), --fresh makes a new one, and other
# settings on a kept site are refused with a clear line.
# usage: demo.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"

lk_free_port GW_PORT
lk_free_port BROKER_PORT
lk_free_port ENROLL_PORT
DEMO="$LK_TMP/demo"
RUNS=0
# demo_up [ARGS]: starts the demo (log demo.log, demo2.log, ...) and waits until it runs.
demo_up() {
  RUNS=$((RUNS + 1))
  LOG="$LK_TMP/demo$([ "$RUNS" -eq 1 ] || echo "$RUNS").log"
  lk_start "$(basename "$LOG" .log)" env LATCHKEY_DEMO_BIN="$BUILD" LATCHKEY_DEMO_BUILD_DIR="$LK_TMP/demo-build" \
    LATCHKEY_DEMO_DIR="$DEMO" LATCHKEY_GATEWAY_PORT="$GW_PORT" LATCHKEY_BROKER_PORT="$BROKER_PORT" \
    LATCHKEY_ENROLL_PORT="$ENROLL_PORT" LATCHKEY_DEMO_HOST=127.0.0.1 bash "$ROOT/scripts/demo.sh" "$@"
  DEMO_PID=$LK_LAST_PID
  lk_wait_for 120 "the demo says it is running" running
  kill -0 "$DEMO_PID" 2>/dev/null || lk_fail "the demo exited: $(cat "$LOG")"
}
running() { grep -q '^Latchkey demo is running' "$LOG" || ! kill -0 "$DEMO_PID"; }
# try_curl: runs exactly the curl lines the demo printed; they must open door1.
try_curl() {
  sed -n '/^Try it with curl/,/^$/p' "$LOG" | sed '1d;/^$/d' >"$LK_TMP/try.sh"
  [ -s "$LK_TMP/try.sh" ] || lk_fail "the demo prints no curl lines"
  out=$(bash "$LK_TMP/try.sh" 2>&1) || lk_fail "the printed curl lines failed: $out"
  lk_expect_eq "${out%%,*}" '{"result":"opened"' "the printed curl lines"
  relay_on() { [ "$(grep -c ' on$' "$DEMO/relay-door1.log")" -ge "$1" ]; }
  lk_wait_for 10 "door1's relay on" relay_on "$1"
}
demo_down() {
  lk_stop "$DEMO_PID"
  for port in "$GW_PORT" "$BROKER_PORT" "$ENROLL_PORT"; do
    [ -z "$(ss -Hltn "sport = :$port")" ] || lk_fail "port $port still listens after the demo stopped"
  done
}

demo_up
grep -q '^demo: installing the packages the demo needs' "$LOG" || lk_fail "the demo does not say it installs"
grep -q "^  PIN            $(cat "$DEMO/pin")\$" "$LOG" || lk_fail "the demo does not print the PIN"
grep -q "^  URL            https://127.0.0.1:$GW_PORT/\$" "$LOG" || lk_fail "the URL is not the demo host's"
ss -Hltn "sport = :$GW_PORT" | lk_has "127.0.0.1:$GW_PORT" || lk_fail "the gateway does not listen on the demo host"
openssl x509 -in "$DEMO/pki/issued/localhost.crt" -noout -ext subjectAltName | lk_has 'IP Address:127.0.0.1' ||
  lk_fail "the server certificate does not name the demo host"
CA_SUM=$(sha256sum <"$DEMO/pki/ca/ca.crt")

lk_log "the curl lines the demo prints open door1"
try_curl 1

lk_log "the enrollment link it prints, with its QR code, hands out alice's .p12 once"
link=$(sed -n 's/^link: //p' "$LOG")
case "$link" in "https://127.0.0.1:$ENROLL_PORT/enroll/"?*) ;; *) lk_fail "no enrollment link: $(cat "$LOG")" ;; esac
grep -q '█' "$LOG" || lk_fail "no QR code printed"
curl -sS --max-time 10 --cacert "$DEMO/pki/ca/ca.crt" -o "$LK_TMP/phone.p12" "$link" || lk_fail "the enrollment link failed"
openssl pkcs12 -in "$LK_TMP/phone.p12" -passin "file:$DEMO/alice.p12.password" -nokeys -legacy 2>/dev/null |
  openssl x509 -noout -subject | lk_has 'CN *= *alice' || lk_fail "the enrolled .p12 is not alice's"

lk_log "SIGTERM stops all the demo started"
demo_down

lk_log "a second run keeps the PKI: the same CA, the same certificate opens again"
demo_up
grep -q '^demo: using the site made earlier' "$LOG" || lk_fail "the second run does not say it keeps the site"
lk_expect_eq "$(sha256sum <"$DEMO/pki/ca/ca.crt")" "$CA_SUM" "the CA after a second run"
try_curl 2
demo_down

lk_log "other settings on the kept site are refused with one clear line"
if env LATCHKEY_DEMO_BIN="$BUILD" LATCHKEY_DEMO_BUILD_DIR="$LK_TMP/demo-build" LATCHKEY_DEMO_DIR="$DEMO" \
  LATCHKEY_GATEWAY_PORT="$GW_PORT" LATCHKEY_BROKER_PORT="$BROKER_PORT" LATCHKEY_ENROLL_PORT="$ENROLL_PORT" \
  bash "$ROOT/scripts/demo.sh" >"$LK_TMP/other.log" 2>&1; then lk_fail "the demo ran on other settings"; fi
grep -q "^demo: the site in .* was made for .*run 'bash scripts/demo.sh --fresh'" "$LK_TMP/other.log" ||
  lk_fail "no clear line: $(tail -n 3 "$LK_TMP/other.log")"

lk_log "--fresh makes a new PKI"
demo_up --fresh
[ "$(sha256sum <"$DEMO/pki/ca/ca.crt")" != "$CA_SUM" ] || lk_fail "--fresh kept the CA"
try_curl 1
demo_down
lk_log "demo passed"
