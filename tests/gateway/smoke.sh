#!/usr/bin/env bash
# smoke.sh - end-to-end check of latchkey-gateway: a throw-away PKI made with the openssl
# CLI, a real Mosquitto with mTLS and ACLs on loopback, the gateway, curl as the phone and
# small mosquitto_sub/mosquitto_pub fakes as the door (this checks the gateway end only).
# usage: smoke.sh PATH/latchkey-gateway PATH/testlib.sh
GW=$1
# shellcheck source=../lib/testlib.sh
source "$2"
# shellcheck source=../lib/acks.sh
source "$(dirname "$2")/acks.sh"

MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
for tool in "$MOSQUITTO" mosquitto_sub mosquitto_pub curl openssl; do
  command -v "$tool" >/dev/null || lk_fail "missing tool: $tool"
done

P=$LK_TMP/pki
mkdir -p "$P"
cd "$P"

# ---- PKI -----------------------------------------------------------------------------
mkca() { # NAME
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=$1 Latchkey CA" -keyout "$1.key" -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
mkleaf() { # CA STEM CN EKU [SAN]
  local ca=$1 stem=$2 cn=$3 eku=$4 san=${5:-}
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=${cn//\//\\/}" \
    -keyout "$stem.key" -out "$stem.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } >"$stem.ext"
  openssl x509 -req -in "$stem.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 2 \
    -extfile "$stem.ext" -out "$stem.crt" 2>/dev/null
  chmod 600 "$stem.key"
}
mkca ca
mkca other
mkleaf ca server localhost serverAuth "DNS:localhost,IP:127.0.0.1"
mkleaf ca gateway gateway clientAuth
mkleaf ca alice alice clientAuth
mkleaf ca carol carol clientAuth          # valid cert, not a configured user
mkleaf ca door1 home/door1 clientAuth
mkleaf other mallory alice clientAuth     # right name, wrong CA
openssl genpkey -algorithm ed25519 -out cmd.key 2>/dev/null
openssl genpkey -algorithm ed25519 -out door1.ack.key 2>/dev/null # the door's own ack key
# An empty CRL of the CA ([server] crl is required; revocation itself is tested in web.sh).
: >index.txt
echo 01 >crlnumber
printf '[ca]\ndefault_ca = x\n[x]\ndatabase = %s/index.txt\ncrlnumber = %s/crlnumber\ndefault_md = sha256\n' \
  "$P" "$P" >crl.cnf
openssl ca -gencrl -config crl.cnf -cert ca.crt -keyfile ca.key -crldays 2 -out crl.pem 2>/dev/null ||
  lk_fail "openssl ca -gencrl failed"
chmod 600 cmd.key

# ---- broker ----------------------------------------------------------------------------
lk_free_port MQTT_PORT
cat >acl <<ACL
user gateway
topic write latchkey/home/+/cmd
topic read latchkey/home/+/ack
topic read latchkey/home/+/availability

user home/door1
topic read latchkey/home/door1/cmd
topic write latchkey/home/door1/ack
topic write latchkey/home/door1/availability
ACL
# Started as root, Mosquitto would switch to user "mosquitto", who cannot read $LK_TMP.
cat >mosquitto.conf <<CONF
user $(id -un)
per_listener_settings false
persistence false
log_dest stderr
log_type all
acl_file $P/acl
listener $MQTT_PORT 127.0.0.1
cafile $P/ca.crt
certfile $P/server.crt
keyfile $P/server.key
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
CONF
lk_start mosquitto "$MOSQUITTO" -c "$P/mosquitto.conf"
MOSQ_PID=$LK_LAST_PID
lk_wait_port "$MQTT_PORT" 10 "$MOSQ_PID"

# ---- gateway ---------------------------------------------------------------------------
PIN=2468

lk_free_port HTTPS_PORT
cat >gateway.conf <<CONF
[server]
listen = 127.0.0.1
port = $HTTPS_PORT
cert = $P/server.crt
key = $P/server.key
client_ca = $P/ca.crt
crl = $P/crl.pem

[mqtt]
uri = ssl://localhost:$MQTT_PORT
ca = $P/ca.crt
cert = $P/gateway.crt
key = $P/gateway.key
client_id = latchkey-gateway-test
ack_timeout_ms = 1500

[command]
key = $P/cmd.key
site = home
ttl = 30

[door door1]
label = Front <door> & "porch"
ack_pubkey = $(lk_ack_pubhex "$P/door1.ack.key")

[door door2]
label = Garage

[store]
database = $P/gateway.db
pepper_file = $P/gateway.pepper
CONF
# Users live in the database: alice (door1 only) through the CLI, PIN on stdin.
printf '%s\n' "$PIN" | "$GW" -c gateway.conf user add alice --doors door1 >/dev/null ||
  lk_fail "user add alice failed"
[ "$(stat -c %a "$P/gateway.pepper")" = 600 ] || lk_fail "pepper file is not 0600"
if printf '12\n' | "$GW" -c gateway.conf user add bob >/dev/null 2>&1; then
  lk_fail "user add accepted a 2-digit PIN"
fi
"$GW" -c gateway.conf --check-config >/dev/null || lk_fail "--check-config refused a good file"
sed 's/^ttl = 30/ttl = 99/' gateway.conf >bad.conf
set +e
"$GW" -c bad.conf >"$LK_TMP/bad-config.out" 2>&1
rc=$?
set -e
lk_expect_eq "$rc" 2 "exit code for a bad config"
grep -q 'bad.conf:[0-9]*: 99 is out of range' "$LK_TMP/bad-config.out" || lk_fail "bad config message: $(cat "$LK_TMP/bad-config.out")"

lk_start gateway "$GW" -c "$P/gateway.conf"
GW_PID=$LK_LAST_PID
lk_wait_port "$HTTPS_PORT" 10 "$GW_PID"
lk_wait_for 15 "gateway subscribed to the acks" grep -q "connected and subscribed" "$LK_TMP/gateway.log"

URL=https://localhost:$HTTPS_PORT
phone() { # CERTSTEM curl-args...  -> prints "<http code>" and leaves the body in $LK_TMP/body
  local who=$1; shift
  curl -sS --max-time 15 --resolve "localhost:$HTTPS_PORT:127.0.0.1" --cacert "$P/ca.crt" \
    --cert "$P/$who.crt" --key "$P/$who.key" -o "$LK_TMP/body" -D "$LK_TMP/headers" \
    -w '%{http_code} %{time_total}' "$@"
}
# A POST as a browser makes it: same Origin, with the CSRF token of a fresh GET / (none for a
# certificate that may not see the page: then the gateway answers 403 csrf).
post_action() { # CERTSTEM PIN DOOR [curl-args...]
  local who=$1 pin=$2 door=$3 tok; shift 3
  phone "$who" "$URL/" >/dev/null || true
  tok=$(lk_csrf_of "$LK_TMP/body")
  phone "$who" -H "Origin: $URL" --data-urlencode "csrf=$tok" --data-urlencode "pin=$pin" \
    --data-urlencode "door=$door" "$@" "$URL/action"
}
expect_result() { # "CODE TIME" CODE RESULT
  local code=${1%% *}
  lk_expect_eq "$code" "$2" "HTTP status"
  grep -q "data-result=\"$3\"" "$LK_TMP/body" || lk_fail "no data-result=\"$3\" in: $(cat "$LK_TMP/body")"
}
# Waits until Mosquitto logged the SUBSCRIBE of client id $1.
wait_subscribed() {
  lk_wait_for 10 "subscription of $1" grep -q "Received SUBSCRIBE from $1" "$LK_TMP/mosquitto.log"
}
fake_door() { # CLIENT_ID -> mosquitto_sub as home/door1 for one command (no ack)
  mosquitto_sub -h localhost -p "$MQTT_PORT" --cafile "$P/ca.crt" --cert "$P/door1.crt" \
    --key "$P/door1.key" -i "$1" -q 1 -t latchkey/home/door1/cmd -C 1 -W 20
}

# ---- GET / -----------------------------------------------------------------------------
out=$(phone alice "$URL/")
lk_expect_eq "${out%% *}" 200 "GET /"
grep -q 'name="door" value="door1"' "$LK_TMP/body" || lk_fail "no door1 button: $(cat "$LK_TMP/body")"
grep -q 'Front &lt;door&gt; &amp; &quot;porch&quot;' "$LK_TMP/body" || lk_fail "label not escaped"
grep -q 'inputmode="numeric"' "$LK_TMP/body" || lk_fail "no numeric PIN input"
if grep -q 'value="door2"' "$LK_TMP/body"; then lk_fail "alice sees door2"; fi
grep -qi "^content-security-policy: default-src 'none'" "$LK_TMP/headers" || lk_fail "no CSP header"
grep -qi '^x-frame-options: DENY' "$LK_TMP/headers" || lk_fail "no X-Frame-Options"
grep -qi '^strict-transport-security:' "$LK_TMP/headers" || lk_fail "no HSTS"
grep -qi '^cache-control: no-store' "$LK_TMP/headers" || lk_fail "no Cache-Control"
out=$(phone alice "$URL/style.css"); lk_expect_eq "${out%% *}" 200 "GET /style.css"
out=$(phone alice "$URL/nope"); lk_expect_eq "${out%% *}" 404 "GET /nope"
out=$(phone alice -X PUT "$URL/"); lk_expect_eq "${out%% *}" 405 "PUT /"
out=$(phone carol "$URL/"); expect_result "$out" 403 forbidden
set +e  # no websocket in the first cut: an upgrade must not succeed
out=$(phone alice -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$URL/" 2>/dev/null)
set -e
[ "${out%% *}" != 101 ] || lk_fail "websocket upgrade accepted"

# ---- wrong PIN, forbidden door, bad requests --------------------------------------------
out=$(post_action alice 1111 door1); expect_result "$out" 403 wrong-pin
out=$(post_action alice "$PIN" door2); expect_result "$out" 403 forbidden
out=$(post_action carol "$PIN" door1); expect_result "$out" 403 csrf  # no page, no token
out=$(post_action alice "$PIN" nosuchdoor); expect_result "$out" 400 bad-request
out=$(phone alice -H "Origin: $URL" --data-urlencode "pin=$(head -c 3000 /dev/zero | tr '\0' 1)" "$URL/action")
expect_result "$out" 400 bad-request

# ---- right PIN, door never acks -> 504 within the ack timeout -----------------------------
lk_start silent-door fake_door silent-door1
SILENT_PID=$LK_LAST_PID
wait_subscribed silent-door1
out=$(post_action alice "$PIN" door1); expect_result "$out" 504 not-confirmed
# Times are the gateway's own (its log), not curl's on a machine that may be loaded.
t=$(lk_gateway_latency "$LK_TMP/gateway.log" not-confirmed)
[ -n "$t" ] && [ "$t" -ge 1400 ] && [ "$t" -lt 4000 ] || lk_fail "not-confirmed after ${t:-?} ms (ack timeout 1.5 s)"
lk_wait_for 5 "the silent door to get the command" bash -c "! kill -0 $SILENT_PID"
cmd=$(cat "$LK_TMP/silent-door.log")
for want in '"v":1' '"site":"home"' '"door":"door1"' '"action":"open"' '"by":"alice"' '"sig":"'; do
  case "$cmd" in *"$want"*) ;; *) lk_fail "published command lacks $want: $cmd" ;; esac
done

# ---- the phone gives up while the action waits: the timeout still ends the action (logged)
# and the gateway keeps serving. (lws may only notice the close when the answer is written.)
lk_start silent-door2 fake_door silent-door2
wait_subscribed silent-door2
set +e
post_action alice "$PIN" door1 --max-time 0.5 >/dev/null 2>&1
set -e
two_timeouts() { [ "$(grep -c 'result=not-confirmed reason=timeout' "$LK_TMP/gateway.log")" -ge 2 ]; }
lk_wait_for 5 "result of the abandoned action" two_timeouts
out=$(phone alice "$URL/" "$URL/style.css")  # two requests on one kept-alive connection
lk_expect_eq "${out%% *}" "200" "GET after an abandoned action"

# ---- right PIN, door acks ok -> 200; rejected -> 409 ---------------------------------------
# responder CLIENT_ID RESULT REASON [unsigned]: one command in, one ack out with the same id,
# signed with door1's ack key unless "unsigned". The ack's publisher is connected beforehand
# (mosquitto_pub -l on a FIFO): only a line is written when the command arrives, so a loaded
# machine's process start-up and TLS handshake do not eat into the gateway's 1.5 s ack
# timeout.
responder() {
  local line id fd pub at sig=""
  mkfifo "$LK_TMP/$1.acks"
  exec {fd}<>"$LK_TMP/$1.acks"
  mosquitto_pub -h localhost -p "$MQTT_PORT" --cafile "$P/ca.crt" --cert "$P/door1.crt" \
    --key "$P/door1.key" -i "$1-pub" -q 1 -t latchkey/home/door1/ack -l <"$LK_TMP/$1.acks" {fd}>&- &
  pub=$!
  line=$(fake_door "$1")
  id=$(printf '%s' "$line" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$id" ] || { echo "no id in: $line" >&2; kill "$pub"; return 1; }
  at=$(date +%s)
  [ "${4:-}" = unsigned ] || sig=$(lk_ack_sig "$P/door1.ack.key" "$id" home door1 "$2" "$3" "$at")
  printf '%s\n' "$(lk_ack_json "$id" "$2" "$3" "$at" "$sig")" >&"$fd"
  exec {fd}>&- # end of input: mosquitto_pub sends what it has and exits
  wait "$pub"
}
# wait_responder CLIENT_ID: its subscriber subscribed and its publisher connected.
wait_responder() {
  wait_subscribed "$1"
  lk_wait_for 10 "publisher $1-pub connected" grep -q "New client connected .* as $1-pub " "$LK_TMP/mosquitto.log"
}
lk_start responder-ok responder resp-ok ok ""
wait_responder resp-ok
out=$(post_action alice "$PIN" door1); expect_result "$out" 200 opened
t=$(lk_gateway_latency "$LK_TMP/gateway.log" opened)
[ -n "$t" ] && [ "$t" -lt 1400 ] || lk_fail "opened only after ${t:-?} ms"

lk_start responder-rej responder resp-rej rejected expired
wait_responder resp-rej
out=$(post_action alice "$PIN" door1); expect_result "$out" 409 rejected
grep -q 'expired' "$LK_TMP/body" || lk_fail "reject reason not shown"

# An unsigned "ok" (a holder of the door's MQTT identity): never "opened", told at the timeout.
lk_start responder-unsigned responder resp-uns ok "" unsigned
wait_responder resp-uns
out=$(post_action alice "$PIN" door1); expect_result "$out" 502 unconfirmed
grep -q 'door=door1 .*result=unconfirmed reason=ack-unsigned' "$LK_TMP/gateway.log" || lk_fail "unsigned ack not logged as unconfirmed"

# ---- TLS: no client cert, cert of another CA --------------------------------------------
set +e
code=$(curl -sS --max-time 10 --resolve "localhost:$HTTPS_PORT:127.0.0.1" --cacert "$P/ca.crt" \
  -o /dev/null -w '%{http_code}' "$URL/" 2>/dev/null)
rc=$?
set -e
[ "$rc" -ne 0 ] || lk_fail "no client cert: curl succeeded"
lk_expect_eq "$code" 000 "HTTP status without client cert"
set +e
out=$(phone mallory "$URL/" 2>/dev/null)
rc=$?
set -e
[ "$rc" -ne 0 ] || lk_fail "other-CA cert: curl succeeded ($out)"
lk_expect_eq "${out%% *}" 000 "HTTP status with another CA's cert"
grep -q "client certificate refused" "$LK_TMP/gateway.log" || lk_fail "refusal not logged"

# ---- broker down -> 503 at once -------------------------------------------------------------
lk_stop "$MOSQ_PID"
lk_wait_for 10 "gateway to notice the broker is gone" grep -q "mqtt: connection to .* lost" "$LK_TMP/gateway.log"
out=$(post_action alice "$PIN" door1); expect_result "$out" 503 broker-unavailable
t=$(lk_gateway_latency "$LK_TMP/gateway.log" broker-unavailable)
[ -n "$t" ] && [ "$t" -lt 2000 ] || lk_fail "broker-unavailable after ${t:-?} ms"

# ---- audit lines and clean shutdown -----------------------------------------------------
grep -q "action requested user=alice door=door1 id=[0-9a-f]\{32\}" "$LK_TMP/gateway.log" || lk_fail "no 'action requested' log"
grep -q "result=opened reason=- latency_ms=[0-9]*" "$LK_TMP/gateway.log" || lk_fail "no result log with latency"
kill -TERM "$GW_PID"
for _ in $(seq 1 50); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$GW_PID" 2>/dev/null && lk_fail "gateway still running 5 s after SIGTERM"
rc=0
wait "$GW_PID" || rc=$?
lk_expect_eq "$rc" 0 "gateway exit code after SIGTERM"
grep -q "stopped" "$LK_TMP/gateway.log" || lk_fail "no clean-stop log line"
lk_log "gateway smoke test passed"
