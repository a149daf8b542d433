#!/usr/bin/env bash
# startup_errors.sh - what the gateway says when it cannot start or cannot reach the
# broker (docs/gateway.md, "Start-up errors"), against real Mosquitto: a busy port is one
# line with the OS's reason and no libwebsockets internals; a client certificate the
# broker refuses, a broker certificate not trusted and a broker that is down are each
# named as such, with the [mqtt] uri; two gateways with one client id are detected and
# said to be that.
# usage: startup_errors.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"

lk_site_make --door "door1:Front door"
lk_site_start_broker
variant() { # NAME SECTION KEY VALUE...: a copy of the site's config with those keys
  local c="$LK_TMP/$1.conf"; shift
  cp "$CONF" "$c"
  while [ $# -ge 3 ]; do lk_conf_set "$c" "$1" "$2" "$3"; shift 3; done
}
gw_log_of() { # NAME: start the gateway on NAME.conf (log NAME.log)
  lk_start "$1" "$BUILD/gateway/latchkey-gateway" -c "$LK_TMP/$1.conf"
}

lk_log "a busy port: one line, the OS's reason, exit 2"
lk_free_port BUSY_PORT
lk_start busy python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(120)' "$BUSY_PORT"
lk_wait_port "$BUSY_PORT" 10 "$LK_LAST_PID"
variant busy server port "$BUSY_PORT"
rc=0
"$BUILD/gateway/latchkey-gateway" -c "$LK_TMP/busy.conf" >"$LK_TMP/busy-start.log" 2>&1 || rc=$?
lk_expect_eq "$rc" 2 "exit status on a busy port"
lk_has -x "latchkey-gateway: cannot listen on 127.0.0.1 port $BUSY_PORT: Address already in use (another program, or a latchkey-gateway already running)" \
  <"$LK_TMP/busy-start.log" || lk_fail "busy port: $(cat "$LK_TMP/busy-start.log")"
if lk_has -Ei "lws|ERROR on binding|fd [0-9]" <"$LK_TMP/busy-start.log"; then lk_fail "lws internals: $(cat "$LK_TMP/busy-start.log")"; fi

lk_log "a client certificate the broker does not accept (another CA)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=gateway \
  -keyout "$LK_TMP/other.key" -out "$LK_TMP/other.crt" 2>/dev/null
URI="ssl://localhost:$BROKER_PORT"
variant othercert mqtt cert "$LK_TMP/other.crt" mqtt key "$LK_TMP/other.key"
gw_log_of othercert
lk_wait_for 10 "the refused certificate named" grep -q "mqtt: cannot connect to $URI: the broker refused the gateway's MQTT client certificate \[mqtt\] cert = $LK_TMP/other.crt (TLS alert: .*unknown ca)" "$LK_TMP/othercert.log"
lk_stop "$LK_LAST_PID"
if lk_has -E "TCP connect completion failure|TCP/TLS connect failure|statem|\.c:[0-9]+" <"$LK_TMP/othercert.log"; then
  lk_fail "library internals in the log: $(cat "$LK_TMP/othercert.log")"
fi

lk_log "a broker certificate that [mqtt] ca does not trust"
variant otherca mqtt ca "$LK_TMP/other.crt"
gw_log_of otherca
lk_wait_for 10 "the untrusted broker certificate named" grep -q "mqtt: cannot connect to $URI: the broker's certificate is not accepted: .* (\[mqtt\] ca = $LK_TMP/other.crt" "$LK_TMP/otherca.log"
lk_stop "$LK_LAST_PID"

lk_log "a broker that is not there"
lk_free_port NOBROKER_PORT
variant nobroker mqtt uri "ssl://localhost:$NOBROKER_PORT"
gw_log_of nobroker
lk_wait_for 10 "the refused connection named" grep -q "mqtt: cannot connect to ssl://localhost:$NOBROKER_PORT: cannot connect to localhost port $NOBROKER_PORT: Connection refused" "$LK_TMP/nobroker.log"
lk_stop "$LK_LAST_PID"

lk_log "two gateways with one client id (the same certificate)"
lk_free_port SECOND_PORT
variant second server port "$SECOND_PORT" store database "$LK_TMP/second.db"
"$BUILD/gateway/latchkey-gateway" -c "$LK_TMP/second.conf" init-secrets >/dev/null 2>&1 || true
lk_site_start_gateway
gw_log_of second
takeover() { grep -q "mqtt: WARNING: $URI ended the session right after it began 3 times in a row: another client uses the same client id" "$1"; }
either() { takeover "$GATEWAY_LOG" || takeover "$LK_TMP/second.log"; }
lk_wait_for 30 "the takeover said" either
lk_log "all start-up error checks passed"
