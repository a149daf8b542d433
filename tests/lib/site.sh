# site.sh - one Latchkey site for shell integration tests (sourced after testlib.sh): a site
# written by scripts/make-site.sh on free loopback ports, and the broker, devices and gateway
# started by PID (testlib's lk_start), plus curl as the phone. Needs ROOT (source dir) and
# BUILD (build dir) set by the caller.
# env: LK_WRAP="valgrind ..." prefixes the gateway and device commands; LK_SLOW=N multiplies
#      the waits and the --ack-timeout-ms given to lk_site_make (default 1);
#      LK_MAKE_SITE replaces scripts/make-site.sh.
# shellcheck shell=bash

LK_SLOW=${LK_SLOW:-1}
LK_AS=${LK_AS:-alice}      # the phone's user for lk_phone / lk_post (a certificate in $PKI)
LK_BROKER_RUNS=0 LK_GATEWAY_RUNS=0

# lk_site_run_name BASE N: the log name of the Nth run of a program (BASE, BASE2, BASE3, ...).
lk_site_run_name() { if [ "$2" -eq 1 ]; then echo "$1"; else echo "$1$2"; fi; }

# lk_site_make [make-site.sh args...]: writes the site under $LK_TMP/site. Sets SITE, PKI,
# CONF, DB, PIN, URL, BROKER_PORT, GATEWAY_PORT. --ack-timeout-ms N is scaled by LK_SLOW.
lk_site_make() {
  local args=() a
  lk_free_port BROKER_PORT
  lk_free_port GATEWAY_PORT
  while [ $# -gt 0 ]; do
    a=$1; shift
    if [ "$a" = --ack-timeout-ms ]; then args+=("$a" $(( $1 * LK_SLOW ))); shift; else args+=("$a"); fi
  done
  SITE="$LK_TMP/site" PKI="$LK_TMP/site/pki"
  # shellcheck disable=SC2034 # DB and PIN are for the tests that source this file
  CONF="$SITE/gateway.conf" DB="$SITE/gateway.db"
  URL="https://localhost:$GATEWAY_PORT"
  bash "${LK_MAKE_SITE:-$ROOT/scripts/make-site.sh}" --bin "$BUILD" --out "$SITE" \
    --broker-port "$BROKER_PORT" --gateway-port "$GATEWAY_PORT" "${args[@]}" >/dev/null
  # shellcheck disable=SC2034 # as above
  PIN=$(cat "$SITE/pin")
  # Test tools get identities of their own: the broker names every session by its
  # certificate's CN, so a tool using the gateway's certificate would take its session over.
  lk_site_test_identity test-watch "topic read latchkey/home/+/availability" "topic read latchkey/home/+/state"
  lk_site_test_identity test-listen "topic read latchkey/home/+/availability" "topic read latchkey/home/+/ack"
  lk_site_test_identity test-cmd "topic write latchkey/home/+/cmd"
}

# lk_site_test_identity NAME ACL_LINE...: a client certificate NAME for a test tool and its
# block in the broker's ACL (before the broker starts; a running one needs a SIGHUP).
lk_site_test_identity() {
  local name=$1 line; shift
  lk_site_certs issue client "$name" >/dev/null
  { printf '\n# Test tool %s (tests/lib/site.sh), not part of a real site.\nuser %s\n' "$name" "$name"
    for line in "$@"; do echo "$line"; done; } >>"$SITE/broker/acl"
}

# lk_site_mqtt_id NAME: mosquitto_pub/sub TLS options of test identity NAME.
lk_site_mqtt_id() {
  echo "--cafile $PKI/ca/ca.crt --cert $PKI/issued/$1.crt --key $PKI/private/$1.key"
}

# lk_site_metrics: adds the gateway's loopback metrics listener; sets METRICS_PORT and MURL.
lk_site_metrics() {
  lk_free_port METRICS_PORT
  # shellcheck disable=SC2034 # MURL is for the tests that source this file
  MURL="http://127.0.0.1:$METRICS_PORT"
  printf '\n[metrics]\nlisten = 127.0.0.1\nport = %s\n' "$METRICS_PORT" >>"$CONF"
}

# lk_site_start_broker: starts Mosquitto (log mosquitto.log, then mosquitto2.log, ...), waits
# for its port; sets BROKER_PID.
lk_site_start_broker() {
  LK_BROKER_RUNS=$((LK_BROKER_RUNS + 1))
  lk_start "$(lk_site_run_name mosquitto "$LK_BROKER_RUNS")" mosquitto -c "$SITE/broker/mosquitto.conf"
  BROKER_PID=$LK_LAST_PID
  lk_wait_port "$BROKER_PORT" $(( 10 * LK_SLOW )) "$BROKER_PID"
}

# lk_site_start_device DOOR: starts the simulated device of DOOR (log device-DOOR.log; a
# restart appends -2, -3, ...); sets LK_LAST_PID and DEVICE_LOG.
lk_site_start_device() {
  local name="device-$1" n=2
  while [ -e "$LK_TMP/$name.log" ]; do name="device-$1-$n"; n=$((n + 1)); done
  lk_start "$name" ${LK_WRAP:-} "$BUILD/firmware/port/posix/latchkey-device" -c "$SITE/device-$1.conf"
  # shellcheck disable=SC2034 # DEVICE_LOG is for the tests that source this file
  DEVICE_LOG="$LK_TMP/$name.log"
}

# lk_site_start_gateway [--no-mqtt]: starts the gateway (log gateway.log, then gateway2.log,
# ...; GATEWAY_LOG), waits for its HTTPS port and, unless --no-mqtt, for its broker
# subscription. Sets GW_PID.
lk_site_start_gateway() {
  LK_GATEWAY_RUNS=$((LK_GATEWAY_RUNS + 1))
  local name
  name=$(lk_site_run_name gateway "$LK_GATEWAY_RUNS")
  lk_start "$name" ${LK_WRAP:-} "$BUILD/gateway/latchkey-gateway" -c "$CONF"
  GW_PID=$LK_LAST_PID GATEWAY_LOG="$LK_TMP/$name.log"
  lk_wait_port "$GATEWAY_PORT" $(( 10 * LK_SLOW )) "$GW_PID"
  [ "${1:-}" = --no-mqtt ] ||
    lk_wait_for $(( 15 * LK_SLOW )) "gateway connected to the broker" grep -q "connected and subscribed" "$GATEWAY_LOG"
}

# lk_site_crl_reloads: how many times the gateway (GATEWAY_LOG) has loaded a changed CRL that
# is in force ("crl: ... reloaded: ok"). A test that changes the CRL waits for this count to
# grow (lk_site_wait_crl_reload) instead of sleeping.
lk_site_crl_reloads() { grep -c "crl: .* reloaded: ok\$" "$GATEWAY_LOG" 2>/dev/null || true; }
lk_site_crl_reloaded_since() { [ "$(lk_site_crl_reloads)" -gt "$1" ]; }
# lk_site_wait_crl_reload COUNT: waits until the reload count is above COUNT (taken before
# the CRL was written).
lk_site_wait_crl_reload() {
  lk_wait_for $(( 15 * LK_SLOW )) "the gateway reloaded the CRL" lk_site_crl_reloaded_since "$1"
}

# lk_site_log_ms LINE: the time (ms since the epoch) at the start of a gateway log line.
lk_site_log_ms() { date -d "${1%% *}" +%s%3N; }

# lk_site_availability DOOR: prints DOOR's retained availability (read as test-watch,
# at most 2 s); empty if there is none or the broker is down.
lk_site_availability() {
  # shellcheck disable=SC2046 # lk_site_mqtt_id prints several options: split on purpose
  mosquitto_sub -h localhost -p "$BROKER_PORT" $(lk_site_mqtt_id test-watch) \
    -t "latchkey/home/$1/availability" -C 1 -W 2 2>/dev/null || true
}

# lk_site_wait_online DOOR [SECS]: waits until DOOR's retained availability is "online".
lk_site_wait_online() {
  lk_wait_for $(( ${2:-15} * LK_SLOW )) "device $1 online" lk_site_is "$1" online
}
lk_site_is() { [ "$(lk_site_availability "$1")" = "$2" ]; } # lk_site_is DOOR online|offline

# lk_phone CURL_ARGS...: curl as $LK_AS's phone; prints "<status> <data-result>" ("curl-failed"
# for no HTTP answer); the body goes to $LK_TMP/body.
lk_phone() {
  local code
  rm -f "$LK_TMP/body" # a failed request must not report the previous answer's result
  code=$(curl -sS -o "$LK_TMP/body" -w '%{http_code}' --max-time $(( 15 * LK_SLOW )) \
    --cacert "$PKI/ca/ca.crt" --cert "$PKI/issued/$LK_AS.crt" --key "$PKI/private/$LK_AS.key" \
    "$@" 2>/dev/null) || code="curl-failed"
  echo "$code $(sed -n 's/.*data-result="\([a-z-]*\)".*/\1/p;T;q' "$LK_TMP/body" 2>/dev/null)"
}

# lk_post CURL_ARGS...: a form POST as the browser sends it: same Origin and the CSRF token
# of a fresh GET /. Output as lk_phone.
lk_post() {
  local tok
  lk_phone "$URL/" >/dev/null
  tok=$(lk_csrf_of "$LK_TMP/body")
  lk_phone -H "Origin: $URL" -d "csrf=$tok" "$@"
}

# lk_relay_count DOOR on|off: how many such transitions DOOR's simulated relay logged.
lk_relay_count() { grep -c " $2\$" "$SITE/relay-$1.log" 2>/dev/null || true; }

# lk_site_certs ARGS...: latchkey-certs on the site's PKI, given the site's CA passphrase
# (in its environment only); e.g. lk_site_certs issue client bob.
lk_site_certs() {
  LATCHKEY_CA_PASSPHRASE=$(cat "$SITE/ca.passphrase") "$BUILD/certs-tool/latchkey-certs" -d "$PKI" "$@"
}

# lk_site_crl_dated LAST NEXT OUT: a CRL of the site's CA with the given lastUpdate and
# nextUpdate (date -d words, e.g. '-2 days' '-1 day' for an expired one), signed with the
# openssl CLI (latchkey-certs signs only current ones), moved over OUT; numbered after
# latchkey-certs' counter (the gateway refuses an older CRL), which then moves past it.
lk_site_crl_dated() {
  local crlno
  mkdir -p "$LK_TMP/ca"
  : >"$LK_TMP/ca/index.txt"
  crlno=$(( $(cat "$PKI/crlnumber") + 1 ))
  printf '%02X\n' "$crlno" >"$LK_TMP/ca/crlnumber"
  echo "$crlno" >"$PKI/crlnumber"
  printf '[ca]\ndefault_ca = x\n[x]\ndatabase = %s\ncrlnumber = %s\ndefault_md = sha256\n' \
    "$LK_TMP/ca/index.txt" "$LK_TMP/ca/crlnumber" >"$LK_TMP/ca/ca.cnf"
  openssl ca -gencrl -config "$LK_TMP/ca/ca.cnf" -cert "$PKI/ca/ca.crt" -keyfile "$PKI/ca/ca.key" \
    -passin "file:$SITE/ca.passphrase" -crl_lastupdate "$(date -u -d "$1" +%Y%m%d%H%M%SZ)" \
    -crl_nextupdate "$(date -u -d "$2" +%Y%m%d%H%M%SZ)" -out "$LK_TMP/dated-crl.pem" \
    2>"$LK_TMP/openssl-ca.err" || lk_fail "openssl ca: $(cat "$LK_TMP/openssl-ca.err")"
  mv "$LK_TMP/dated-crl.pem" "$3"
}

# lk_site_cert_dated NAME START END [PURPOSE]: a certificate for localhost (DNS and IP SANs,
# extendedKeyUsage PURPOSE, default serverAuth) signed by the site's CA with the given
# notBefore and notAfter (date -d words), as $LK_TMP/NAME.crt and NAME.key; latchkey-certs
# only issues certificates that start now.
lk_site_cert_dated() {
  local d="$LK_TMP/dated-ca"
  mkdir -p "$d/new"
  [ -e "$d/index.txt" ] || { : >"$d/index.txt"; echo 1000 >"$d/serial"; }
  printf '[ca]\ndefault_ca = x\n[x]\ndatabase = %s\nnew_certs_dir = %s\nserial = %s\ndefault_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n' \
    "$d/index.txt" "$d/new" "$d/serial" >"$d/ca.cnf"
  printf 'basicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = %s\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n' \
    "${4:-serverAuth}" >"$d/ext.cnf"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$LK_TMP/$1.key" -out "$d/$1.csr" 2>"$d/err" &&
    openssl ca -batch -notext -config "$d/ca.cnf" -cert "$PKI/ca/ca.crt" -keyfile "$PKI/ca/ca.key" \
      -passin "file:$SITE/ca.passphrase" -startdate "$(date -u -d "$2" +%Y%m%d%H%M%SZ)" \
      -enddate "$(date -u -d "$3" +%Y%m%d%H%M%SZ)" -extfile "$d/ext.cnf" -in "$d/$1.csr" \
      -out "$LK_TMP/$1.crt" 2>>"$d/err" || lk_fail "dated certificate $1: $(cat "$d/err")"
}

# lk_conf_set FILE SECTION KEY VALUE: sets KEY in [SECTION] of an INI file (replaced where
# it is, else added at the section's head), e.g. lk_conf_set "$CONF" server cert /x.crt.
lk_conf_set() {
  awk -v sec="[$2]" -v k="$3" -v v="$4" '
    /^\[/ { s = $0; print; if (s == sec && !done) { want = 1 }; next }
    s == sec && index($0, k " = ") == 1 { if (!done) print k " = " v; done = 1; next }
    { if (want && !done && s == sec && $0 == "") { print k " = " v; done = 1 } print }
    END { if (!done) { if (s != sec) print sec; print k " = " v } }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# lk_site_gw ARGS...: the gateway's command line on the site's config (user ..., audit ...).
lk_site_gw() { "$BUILD/gateway/latchkey-gateway" -c "$CONF" "$@"; }

# lk_keepalive_open NAME USER: one HTTP/1.1 keep-alive connection to the gateway (openssl
# s_client with USER's certificate) that stays open between requests; every answer is
# appended to $LK_TMP/NAME.log. Write requests with lk_keepalive_get, end with lk_keepalive_close.
lk_keepalive_open() {
  local name=$1 user=$2 fd
  mkfifo "$LK_TMP/$name.in"
  exec {fd}<>"$LK_TMP/$name.in" # read-write: opening never blocks, s_client's stdin stays open
  printf -v "LK_KA_FD_${name//-/_}" '%s' "$fd"
  # Not lk_start: a background job without its own stdin redirection reads /dev/null.
  openssl s_client -quiet -connect "127.0.0.1:$GATEWAY_PORT" -servername localhost \
    -CAfile "$PKI/ca/ca.crt" -cert "$PKI/issued/$user.crt" -key "$PKI/private/$user.key" \
    <"$LK_TMP/$name.in" >"$LK_TMP/$name.log" 2>&1 &
  LK_PIDS+=("$!")
}

# lk_keepalive_get NAME PATH: sends one GET on that connection.
lk_keepalive_get() {
  local var="LK_KA_FD_${1//-/_}"
  printf 'GET %s HTTP/1.1\r\nHost: localhost:%s\r\n\r\n' "$2" "$GATEWAY_PORT" >&"${!var}"
}

# lk_keepalive_close NAME: closes the connection's input (s_client then exits).
lk_keepalive_close() { local var="LK_KA_FD_${1//-/_}" fd; fd=${!var}; exec {fd}>&-; }
