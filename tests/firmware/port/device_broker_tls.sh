#!/usr/bin/env bash
# device_broker_tls.sh - latchkey-device against a real Mosquitto with mutual TLS.
# PKI made with the openssl CLI (independent of latchkey-certs). Checks: availability
# "online" (retained) after connect, "offline" (LWT) after SIGKILL, clean SIGTERM exit,
# a signed command end to end (ack + relay log) and a replay refused, a device cert from
# another CA refused, the broker's host name verified (IP not in the cert, wrong DNS),
# reconnection after a broker restart (state and online published again), the retained
# state (idle after a pulse), a clean SIGTERM shutdown (explicit "offline" + DISCONNECT),
# restart (offline then online), Home Assistant discovery and the opt-in local command,
# a bundle-style config with relative paths, and config errors exiting with status 2.
# usage: device_broker_tls.sh PATH/latchkey-device PATH/testlib.sh
DEVICE=$1
# shellcheck source=../../lib/testlib.sh
source "$2"

for tool in openssl mosquitto mosquitto_sub mosquitto_pub; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$tool" >/dev/null || lk_fail "$tool not found"
done

T=$LK_TMP
cd "$T" || exit 1

# ---- PKI (openssl CLI) ----
mkca() { # NAME CN
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$1.key" -out "$1.crt" -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>"$1.err" || lk_fail "CA $1: $(cat "$1.err")"
}
mkleaf() { # CA NAME CN EXTLINES   ('/' in the CN is escaped for -subj)
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$2.key" -out "$2.csr" -subj "/CN=${3//\//\\/}" 2>"$2.err" || lk_fail "csr $2: $(cat "$2.err")"
  printf '%b' "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n$4\n" >"$2.ext"
  openssl x509 -req -in "$2.csr" -CA "$1.crt" -CAkey "$1.key" -CAcreateserial -days 2 \
    -extfile "$2.ext" -out "$2.crt" 2>"$2.err" || lk_fail "cert $2: $(cat "$2.err")"
}
mkca ca "Test Latchkey CA"
mkca otherca "Other CA"
mkleaf ca broker localhost "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1"
mkleaf ca broker-noip localhost "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost"
mkleaf ca broker-wrong wrong.example "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:wrong.example"
mkleaf ca device "home/door1" "extendedKeyUsage=clientAuth"
mkleaf ca tester "tester" "extendedKeyUsage=clientAuth"
mkleaf otherca device-other "home/door1" "extendedKeyUsage=clientAuth"
for f in ca broker broker-noip broker-wrong device tester device-other; do
  [ -s "$f.crt" ] || lk_fail "could not make $f.crt"
done

# Command signing key (Ed25519) and its raw public key as hex.
openssl genpkey -algorithm ed25519 -out cmd.key 2>/dev/null
PUBHEX=$(openssl pkey -in cmd.key -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
# The device's own ack key (as latchkey-certs bundle makes it): every ack is signed with it.
openssl genpkey -algorithm ed25519 -out ack.key 2>/dev/null || lk_fail "ack key"
openssl pkey -in ack.key -pubout -out ack.pub 2>/dev/null || lk_fail "ack public key"
[ ${#PUBHEX} -eq 64 ] || lk_fail "bad public key hex '$PUBHEX'"

cat >acl <<'ACL'
user home/door1
topic read latchkey/home/door1/cmd
topic write latchkey/home/door1/ack
topic write latchkey/home/door1/state
topic write latchkey/home/door1/availability
topic read latchkey/home/door1/local
topic write homeassistant/+/latchkey_home_door1/#

user tester
topic read latchkey/home/door1/#
topic read homeassistant/#
topic write latchkey/home/door1/cmd
topic write latchkey/home/door1/local
ACL

start_broker() { # NAME CERTSTEM -> sets BROKER_PORT
  lk_free_port BROKER_PORT
  cat >"$1.conf" <<CONF
per_listener_settings false
allow_anonymous false
persistence false
user $(id -un)
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
log_type subscribe
connection_messages true
acl_file $T/acl
listener $BROKER_PORT 127.0.0.1
cafile $T/ca.crt
certfile $T/$2.crt
keyfile $T/$2.key
require_certificate true
use_identity_as_username true
CONF
  lk_start "$1" mosquitto -c "$T/$1.conf"
  BROKER_PID=$LK_LAST_PID
  lk_wait_port "$BROKER_PORT" 10 "$LK_LAST_PID"
}

write_device_conf() { # FILE HOST PORT CERTSTEM
  cat >"$1" <<CONF
; test device
[broker]
host = $2
port = $3
ca = $T/ca.crt
cert = $T/$4.crt
key = $T/$4.key

[device]
site = home
door = door1
command_pubkey = $PUBHEX
ack_key = $T/ack.key
state_file = $T/accept.state

[relay]
backend = sim
sim_log = $T/relay.log
pulse_ms = 200
min_interval_ms = 500
CONF
}

sub() { # PORT TOPIC [extra mosquitto_sub args]: first message (retained included), 2 s max
  local port=$1 topic=$2; shift 2
  timeout 4 mosquitto_sub -h localhost -p "$port" --cafile ca.crt --cert tester.crt \
    --key tester.key -t "$topic" -q 1 -C 1 -W 2 "$@" 2>/dev/null
}
# wait_wall SECONDS DESCRIPTION CMD...: like lk_wait_for, but bounded by wall-clock time
# (CMD itself may take seconds, e.g. a mosquitto_sub that waits for a message).
wait_wall() {
  local secs=$1 what=$2 end=$((SECONDS + $1)); shift 2
  while [ "$SECONDS" -lt "$end" ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  lk_fail "timed out after ${secs}s waiting for: $what"
}
avail_is() { [ "$(sub "$1" latchkey/home/door1/availability)" = "$2" ]; }

start_broker broker broker
P1=$BROKER_PORT
B1=$BROKER_PID
start_broker broker-noip broker-noip
P2=$BROKER_PORT
start_broker broker-wrong broker-wrong
P3=$BROKER_PORT

# ---- 1. online (retained), then offline (will) after SIGKILL ----
write_device_conf dev.ini localhost "$P1" device
lk_start device1 "$DEVICE" -c dev.ini
DEV=$LK_LAST_PID
wait_wall 15 "availability online" avail_is "$P1" online
grep -q "MQTT connected as latchkey-home-door1" "$T/device1.log" || lk_fail "no connect line in the device log"
lk_log "availability online (retained)"
kill -KILL "$DEV"
wait "$DEV" 2>/dev/null || true
wait_wall 10 "availability offline (LWT)" avail_is "$P1" offline
lk_log "availability offline after SIGKILL (LWT)"

# ---- 2. a signed command end to end, then its replay ----
lk_start device2 "$DEVICE" -c dev.ini
DEV=$LK_LAST_PID
wait_wall 15 "availability online again" avail_is "$P1" online
lk_wait_for 5 "device connected" grep -q "MQTT connected" "$T/device2.log"
lk_wait_for 5 "device subscribed to its cmd topic" \
  grep -q "latchkey-home-door1 1 latchkey/home/door1/cmd" "$T/broker.log"

ID=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
IAT=$(date +%s)
EXP=$((IAT + 30))
printf 'latchkey-cmd-v1\n%s\nhome\ndoor1\nopen\nalice\n%s\n%s' "$ID" "$IAT" "$EXP" >msg
openssl pkeyutl -sign -inkey cmd.key -rawin -in msg -out sig
SIG=$(base64 -w0 sig | tr '+/' '-_' | tr -d '=')
CMD="{\"v\":1,\"id\":\"$ID\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\",\"by\":\"alice\",\"iat\":$IAT,\"exp\":$EXP,\"sig\":\"$SIG\"}"

acksubs() { grep -c 'latchkey/home/door1/ack' "$T/broker.log" || true; }
acksubs_above() { [ "$(acksubs)" -gt "$1" ]; }
send_cmd_and_get_ack() { # OUTFILE
  local before
  before=$(acksubs)
  rm -f "$1"
  timeout 12 mosquitto_sub -h localhost -p "$P1" --cafile ca.crt --cert tester.crt --key tester.key \
    -t latchkey/home/door1/ack -q 1 -C 1 -W 10 >"$1" 2>/dev/null &
  local sub_pid=$!
  # acks are not retained: publish only once the broker logged the subscription
  lk_wait_for 5 "ack subscriber subscribed" acksubs_above "$before"
  mosquitto_pub -h localhost -p "$P1" --cafile ca.crt --cert tester.crt --key tester.key \
    -t latchkey/home/door1/cmd -q 1 -m "$CMD" || lk_fail "mosquitto_pub failed"
  wait "$sub_pid" || lk_fail "no ack within 10 s"
}
send_cmd_and_get_ack ack1
grep -q "\"id\":\"$ID\"" ack1 || lk_fail "ack is for another id: $(cat ack1)"
grep -q '"result":"ok"' ack1 || lk_fail "command not accepted: $(cat ack1)"
# The ack's signature verifies (openssl) over the canonical bytes, with the ack key only.
AT=$(sed -n 's/.*"at":\([0-9]*\).*/\1/p' ack1)
printf 'latchkey-ack-v1\n%s\nhome\ndoor1\nok\n\n%s' "$ID" "$AT" >ack1.msg
sed -n 's/.*"sig":"\([A-Za-z0-9_-]*\)".*/\1/p' ack1 | tr -- '-_' '+/' | awk '{ while (length($0) % 4) $0 = $0 "="; print }' |
  base64 -d >ack1.sig || lk_fail "no signature in the ack: $(cat ack1)"
openssl pkeyutl -verify -pubin -inkey ack.pub -rawin -in ack1.msg -sigfile ack1.sig >/dev/null ||
  lk_fail "the ack's signature does not verify: $(cat ack1)"
lk_log "the ack is signed with the device's ack key"
lk_wait_for 5 "relay on then off in the sim log" grep -q ' off$' relay.log
lk_expect_eq "$(awk '{print $2}' relay.log | tr '\n' ' ')" "on off " "relay log transitions"
ON=$(awk '$2=="on"{print $1}' relay.log); OFF=$(awk '$2=="off"{print $1}' relay.log)
[ $((OFF - ON)) -ge 150 ] && [ $((OFF - ON)) -le 1500 ] || lk_fail "pulse lasted $((OFF - ON)) ms (want ~200)"
lk_log "signed command acked ok, relay pulsed $((OFF - ON)) ms"
state_idle() { sub "$P1" latchkey/home/door1/state | lk_has '"relay":"idle"'; }
wait_wall 10 "retained state idle after the pulse" state_idle
STATE=$(sub "$P1" latchkey/home/door1/state)
echo "$STATE" | lk_has -E '^\{"v":1,"relay":"idle","fw":"[0-9]+\.[0-9]+\.[0-9]+","uptime":[0-9]+\}$' \
  || lk_fail "retained state: $STATE"
lk_log "retained state after the pulse: $STATE"

sleep 0.6 # past min_interval_ms: a refusal must be "replay", not "busy"
send_cmd_and_get_ack ack2
grep -q '"result":"rejected"' ack2 && grep -q '"reason":"replay"' ack2 || lk_fail "replay not refused: $(cat ack2)"
lk_expect_eq "$(wc -l <relay.log | tr -d ' ')" "2" "relay log lines after the replay"
grep -q "command rejected: replay" "$T/device2.log" || lk_fail "no rejection line in the device log"
lk_log "replayed command refused (replay), relay untouched"

# ---- 3. SIGTERM: clean exit 0, relay off, broker publishes offline ----
kill -TERM "$DEV"
RC=0
for _ in $(seq 1 50); do kill -0 "$DEV" 2>/dev/null || break; sleep 0.1; done
kill -0 "$DEV" 2>/dev/null && lk_fail "device did not exit within 5 s of SIGTERM"
wait "$DEV" || RC=$?
lk_expect_eq "$RC" 0 "exit status after SIGTERM"
wait_wall 10 "availability offline after SIGTERM" avail_is "$P1" offline
grep -q "availability offline published, MQTT DISCONNECT sent" "$T/device2.log" \
  || lk_fail "no clean shutdown line in the device log"
# a clean DISCONNECT (not a dropped socket): the broker discards the will, so "offline"
# above is the device's own retained publish
lk_wait_for 5 "broker saw a clean DISCONNECT" grep -q "Client latchkey-home-door1 disconnected" "$T/broker.log"
lk_log "SIGTERM: exit 0, availability offline published by the device, clean DISCONNECT"

# ---- 3b. restart: offline, then online again with the state ----
lk_start device3 "$DEVICE" -c dev.ini
DEV=$LK_LAST_PID
wait_wall 15 "availability online after the restart" avail_is "$P1" online
wait_wall 10 "state after the restart" state_idle
lk_stop "$DEV"
wait_wall 10 "availability offline after the second stop" avail_is "$P1" offline
lk_log "restart: offline -> online -> offline"

# ---- 4. device certificate from another CA: refused, never online ----
write_device_conf dev-other.ini localhost "$P1" device-other
lk_start device-other "$DEVICE" -c dev-other.ini
DEV=$LK_LAST_PID
lk_wait_for 15 "device reports the refused connection" grep -q "error:" "$T/device-other.log"
sleep 2
avail_is "$P1" offline || lk_fail "availability changed with a foreign-CA device cert"
grep -q "MQTT connected" "$T/device-other.log" && lk_fail "device with a foreign-CA cert got online"
lk_stop "$DEV"
lk_log "foreign-CA device cert refused: $(grep -m1 'error:' "$T/device-other.log")"

# ---- 5. broker host name verified ----
check_refused() { # LOGNAME HOST PORT
  write_device_conf "$1.ini" "$2" "$3" device
  lk_start "$1" "$DEVICE" -c "$1.ini"
  local pid=$LK_LAST_PID
  lk_wait_for 15 "TLS failure in $1" grep -q "TLS handshake with .* failed" "$T/$1.log"
  grep -q "MQTT connected" "$T/$1.log" && lk_fail "$1: device connected to a broker with a mismatching name"
  lk_stop "$pid"
  lk_log "$1 refused: $(grep -m1 'TLS handshake' "$T/$1.log")"
}
# 127.0.0.1 while the broker cert has only DNS:localhost
check_refused dev-ip-mismatch 127.0.0.1 "$P2"
# localhost while the broker cert says wrong.example
check_refused dev-dns-mismatch localhost "$P3"
# control: the same no-IP broker cert is accepted under its DNS name
write_device_conf dev-noip-ok.ini localhost "$P2" device
lk_start dev-noip-ok "$DEVICE" -c dev-noip-ok.ini
wait_wall 15 "availability online via DNS name" avail_is "$P2" online
lk_stop "$LK_LAST_PID"
# and an IP literal that is in the broker cert is accepted
write_device_conf dev-ip-ok.ini 127.0.0.1 "$P1" device
lk_start dev-ip-ok "$DEVICE" -c dev-ip-ok.ini
wait_wall 15 "availability online via IP SAN" avail_is "$P1" online
lk_stop "$LK_LAST_PID"
lk_log "host name checks: IP and DNS mismatches refused, matching DNS and IP accepted"

# ---- 6. broker restart: the device notices the lost link and comes back online ----
write_device_conf dev-restart.ini localhost "$P1" device
lk_start dev-restart "$DEVICE" -c dev-restart.ini
DEV=$LK_LAST_PID
wait_wall 15 "availability online before the broker restart" avail_is "$P1" online
lk_stop "$B1"
lk_wait_for 10 "device notices the lost link" grep -q "MQTT link lost" "$T/dev-restart.log"
lk_start broker-again mosquitto -c "$T/broker.conf"
lk_wait_port "$P1" 10 "$LK_LAST_PID"
wait_wall 30 "availability online after the broker restart" avail_is "$P1" online
# the broker keeps no retained messages over a restart (persistence false): the device
# publishes its state again on the new session
wait_wall 10 "state published again after the broker restart" state_idle
kill -0 "$DEV" || lk_fail "device exited during the broker restart"
lk_stop "$DEV"
lk_log "broker restart: device reconnected"

# ---- 6b. Home Assistant discovery and the opt-in local command; bundle-style config ----
# The config lives in its own directory with paths relative to it, and the device runs
# from another working directory (the device bundle contract).
mkdir -p bundle
cp ca.crt bundle/ca.crt; cp device.crt bundle/device.crt; cp device.key bundle/device.key
cp ack.key bundle/ack.key
cat >bundle/device.conf <<CONF
[broker]
host = localhost
port = $P1
ca = ca.crt
cert = device.crt
key = device.key
[device]
site = home
door = door1
command_pubkey = $PUBHEX
ack_key = ack.key
state_file = accept.state
[relay]
backend = sim
sim_log = relay.log
pulse_ms = 200
min_interval_ms = 0
[homeassistant]
discovery = true
local_command = true
CONF
(cd / && exec "$DEVICE" -c "$T/bundle/device.conf") >"$T/dev-ha.log" 2>&1 &
DEV=$!
LK_PIDS+=("$DEV")
wait_wall 15 "availability online (bundle config)" avail_is "$P1" online
ha_cfg() { sub "$P1" "homeassistant/$1/latchkey_home_door1/$2/config"; }
ha_ok() { ha_cfg binary_sensor relay | lk_has '"avty_t":"latchkey/home/door1/availability"'; }
wait_wall 10 "retained Home Assistant discovery config" ha_ok
RELAYCFG=$(ha_cfg binary_sensor relay)
for want in '"stat_t":"latchkey/home/door1/state"' '"pl_avail":"online"' '"pl_not_avail":"offline"' \
            '"dev":{"ids":"latchkey_home_door1"'; do
  echo "$RELAYCFG" | lk_has -F "$want" || lk_fail "discovery config lacks $want: $RELAYCFG"
done
# The last result is announced by the gateway (gateway/core/ha_config.h), not the device.
[ -z "$(ha_cfg sensor last_result)" ] || lk_fail "the device announced a last_result config"
ha_cfg binary_sensor online | lk_has -F '"dev_cla":"connectivity"' || lk_fail "no connectivity config"
ha_cfg button open | lk_has -F '"cmd_t":"latchkey/home/door1/local"' || lk_fail "no button config"
grep -q "LOCAL UNSIGNED COMMAND PATH ENABLED" "$T/dev-ha.log" || lk_fail "local path not announced in the log"
lk_wait_for 5 "device subscribed to its local topic" \
  grep -q "latchkey-home-door1 0 latchkey/home/door1/local" "$T/broker-again.log"
mosquitto_pub -h localhost -p "$P1" --cafile ca.crt --cert tester.crt --key tester.key \
  -t latchkey/home/door1/local -q 1 -m open || lk_fail "mosquitto_pub local failed"
lk_wait_for 5 "local command pulsed the bundle's relay" grep -q ' off$' bundle/relay.log
lk_expect_eq "$(awk '{print $2}' bundle/relay.log | tr '\n' ' ')" "on off " "bundle relay log"
grep -q "LOCAL (unsigned) command accepted" "$T/dev-ha.log" || lk_fail "no local command line in the log"
lk_stop "$DEV"
lk_log "Home Assistant discovery retained, local command pulsed, bundle paths relative to the config"

# ---- 7. config errors exit 2 with one line ----
RC=0; "$DEVICE" -c "$T/nonexistent.ini" 2>err.txt || RC=$?
lk_expect_eq "$RC" 2 "exit status for a missing config"
lk_expect_eq "$(wc -l <err.txt | tr -d ' ')" 1 "lines of error output"
sed -e 's/^backend = sim/backend = gpio/' -e '/^sim_log/d' dev.ini >gpio.ini
RC=0; "$DEVICE" -c gpio.ini 2>err.txt || RC=$?
lk_expect_eq "$RC" 2 "exit status for backend gpio without gpio_line"
grep -q "missing required key \[relay\] gpio_line" err.txt || lk_fail "gpio error: $(cat err.txt)"
printf 'gpio_chip = latchkey-no-such-chip\ngpio_line = 17\nactive_low = true\n' >>gpio.ini
RC=0; "$DEVICE" -c gpio.ini 2>err.txt || RC=$?
lk_expect_eq "$RC" 2 "exit status for a missing GPIO chip"
lk_expect_eq "$(wc -l <err.txt | tr -d ' ')" 1 "lines of error output (gpio)"
grep -q "cannot open GPIO chip 'latchkey-no-such-chip'" err.txt || lk_fail "gpio error: $(cat err.txt)"

lk_log "PASS"
