#!/usr/bin/env bash
# make-site.sh - creates everything one Latchkey site needs to run on this machine: a PKI
# made with latchkey-certs, a Mosquitto config (mTLS, identity as username, ACL, CRL; written
# by latchkey-certs broker-config), the
# gateway config with its database holding one user (admin, all doors; added with the gateway's
# user CLI) and each door's ack key, one device config (and bundle) per door, and the user's
# phone .p12.
# Used by the demo (scripts/demo.sh) and the integration tests; writes only under --out.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: make-site.sh --bin BUILD_DIR --out DIR [options]
  --bin DIR            build directory holding latchkey-certs, latchkey-gateway, latchkey-device
  --out DIR            where to write the site (created; must not contain a PKI yet)
  --broker-port N      Mosquitto's mTLS port on 127.0.0.1 (default 8883)
  --gateway-port N     gateway HTTPS port (default 8443)
  --gateway-listen A   gateway listen address (default 127.0.0.1)
  --public-host H      a name or IP address the phones use for the gateway; repeat for more.
                       Each goes into the server certificate; the first is the public
                       origin's host (default: localhost only)
  --site NAME          site name (default home)
  --door NAME[:LABEL]  a door; repeat for more (default door1:Front door)
  --user NAME          the phone's user, the CN of its certificate (default alice)
  --pin DIGITS         the user's PIN (default: random 6 digits)
  --ack-timeout-ms N   how long the gateway waits for a device's ack (default 5000)
  --per-address N      the gateway's max_connections_per_address (default: the gateway's,
                       64; load tests open more from one loopback address)
USAGE
}

BIN="" OUT="" BROKER_PORT=8883 GATEWAY_PORT=8443 GATEWAY_LISTEN=127.0.0.1 SITE=home
USER_NAME=alice PIN="" ACK_MS=5000 DOORS=() PER_ADDRESS="" HOSTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --broker-port) BROKER_PORT=$2; shift 2 ;;
    --gateway-port) GATEWAY_PORT=$2; shift 2 ;;
    --gateway-listen) GATEWAY_LISTEN=$2; shift 2 ;;
    --public-host) HOSTS+=("$2"); shift 2 ;;
    --site) SITE=$2; shift 2 ;;
    --door) DOORS+=("$2"); shift 2 ;;
    --user) USER_NAME=$2; shift 2 ;;
    --pin) PIN=$2; shift 2 ;;
    --ack-timeout-ms) ACK_MS=$2; shift 2 ;;
    --per-address) PER_ADDRESS=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "make-site.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$BIN" ] && [ -n "$OUT" ] || { usage >&2; exit 2; }
[ "${#DOORS[@]}" -gt 0 ] || DOORS=("door1:Front door")
if [ -z "$PIN" ]; then
  PIN=$(printf '%06d' $(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 1000000 )))
fi

CERTS="$BIN/certs-tool/latchkey-certs"
GATEWAY="$BIN/gateway/latchkey-gateway"
PLUGIN="$(cd "$BIN" && pwd)/broker/latchkey_revoke.so" # ends revoked sessions (docs/security.md)
for b in "$CERTS" "$GATEWAY" "$PLUGIN"; do
  [ -e "$b" ] || { echo "make-site.sh: $b not built" >&2; exit 1; }
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PKI="$OUT/pki"
[ ! -e "$PKI/ca/ca.crt" ] || { echo "make-site.sh: $PKI already holds a CA" >&2; exit 1; }
umask 077

# The CA passphrase never appears on a command line: it lives in a 0600 file.
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$OUT/ca.passphrase"
export LATCHKEY_CA_PASSPHRASE
LATCHKEY_CA_PASSPHRASE=$(cat "$OUT/ca.passphrase")
certs() { "$CERTS" -d "$PKI" "$@"; }

certs init --name "Demo" >/dev/null
# The server certificate names localhost and each --public-host (an IP address as an IP SAN).
SAN=(--dns localhost --ip 127.0.0.1 --ip ::1)
for h in "${HOSTS[@]}"; do
  case "$h" in
    localhost|127.0.0.1|::1) ;;
    *[!0-9.]*) if [[ "$h" == *:* ]]; then SAN+=(--ip "$h"); else SAN+=(--dns "$h"); fi ;;
    *) SAN+=(--ip "$h") ;;
  esac
done
certs issue server localhost "${SAN[@]}" >/dev/null
certs issue gateway >/dev/null
certs issue client "$USER_NAME" >/dev/null
certs cmdkey >/dev/null
door_names=()
for d in "${DOORS[@]}"; do
  name=${d%%:*}
  door_names+=("$name")
  certs issue device "$SITE/$name" >/dev/null
  # The device bundle (docs/certs.md): its first run also makes the device's ack key,
  # kept in the PKI (ack/SITE.DOOR.key); the gateway's [door] names its public half.
  certs bundle "$SITE/$name" --out "$OUT/bundle-$name" --broker "localhost:$BROKER_PORT" >/dev/null
done
# The CRL the gateway requires ([server] crl): revoked certificates stop working without a
# restart once it is re-published ('latchkey-certs revoke NAME' then 'latchkey-certs crl').
certs crl --out "$PKI/crl.pem" >/dev/null
[ -s "$PKI/crl.pem" ] || { echo "make-site.sh: no CRL was written" >&2; exit 1; }
# Legacy form (3DES, SHA-1 MAC): the one every phone imports (see docs/certs.md).
certs export "$USER_NAME" --out "$OUT/$USER_NAME.p12" --legacy | sed -n 's/^password: //p' > "$OUT/$USER_NAME.p12.password"
[ -s "$OUT/$USER_NAME.p12.password" ] || { echo "make-site.sh: export printed no password" >&2; exit 1; }

# Broker: mTLS only, the certificate's CN is the MQTT user name and client id, each identity
# gets its topics, revoked certificates are refused (crlfile) and their open sessions ended
# (the latchkey_revoke plugin). latchkey-certs writes mosquitto.conf and acl from
# its inventory (docs/certs.md "broker-config"); 'user root' keeps Mosquitto root when we are;
# the plugin's CRL number state stays inside the site (--state-dir), not in the system's.
ROOT_OPT=()
[ "$(id -u)" -ne 0 ] || ROOT_OPT=(--run-as-root)
certs broker-config --out "$OUT/broker" --site "$SITE" --listen 127.0.0.1 --port "$BROKER_PORT" \
  --server-name localhost --crl "$PKI/crl.pem" --plugin "$PLUGIN" --state-dir "$OUT/broker" \
  "${ROOT_OPT[@]}" >/dev/null

{
  echo "; Generated by scripts/make-site.sh (see docs/gateway.md for every key)."
  echo "[server]"
  echo "listen = $GATEWAY_LISTEN"
  echo "port = $GATEWAY_PORT"
  echo "cert = $PKI/issued/localhost.crt"
  echo "key = $PKI/private/localhost.key"
  echo "client_ca = $PKI/ca/ca.crt"
  echo "crl = $PKI/crl.pem"
  echo "; The origin the phones' pages come from (POSTs and the websocket must carry it)."
  origin_host=${HOSTS[0]:-localhost}
  [[ "$origin_host" != *:* ]] || origin_host="[$origin_host]"
  echo "public_origin = https://$origin_host:$GATEWAY_PORT"
  [ -z "$PER_ADDRESS" ] || echo "max_connections_per_address = $PER_ADDRESS"
  echo
  echo "[mqtt]"
  echo "uri = ssl://localhost:$BROKER_PORT"
  echo "ca = $PKI/ca/ca.crt"
  echo "cert = $PKI/issued/gateway.crt"
  echo "key = $PKI/private/gateway.key"
  echo "client_id = latchkey-gateway" # the only id the broker admits for CN gateway
  echo "ack_timeout_ms = $ACK_MS"
  echo
  echo "[command]"
  echo "key = $PKI/cmd/command.key"
  echo "site = $SITE"
  echo "ttl = 30"
  for d in "${DOORS[@]}"; do
    name=${d%%:*}; label=${d#*:}
    [ "$label" != "$d" ] || label=$name
    echo
    echo "[door $name]"
    echo "label = $label"
    echo "ack_pubkey = $(cat "$PKI/ack/$SITE.$name.pub.hex")"
  done
  echo
  echo "; Users, lockouts and the audit log: 'latchkey-gateway -c THIS user ...' / '... audit'."
  echo "[store]"
  echo "database = $OUT/gateway.db"
  echo "pepper_file = $OUT/gateway.pepper"
} > "$OUT/gateway.conf"
# The PIN pepper and the database, then the phone's user (an admin: the site's owner) with
# every door. The PIN goes in on stdin, never on a command line.
"$GATEWAY" -c "$OUT/gateway.conf" init-secrets >/dev/null
printf '%s\n' "$PIN" | "$GATEWAY" -c "$OUT/gateway.conf" user add "$USER_NAME" \
  --doors "$(IFS=,; echo "${door_names[*]}")" --admin >/dev/null

PUB=$(cat "$PKI/cmd/command.pub.hex")
for name in "${door_names[@]}"; do
  stem="$SITE.$name"
  {
    echo "; Generated by scripts/make-site.sh: the simulated device of door $name."
    echo "[broker]"
    echo "host = localhost"
    echo "port = $BROKER_PORT"
    echo "ca = $PKI/ca/ca.crt"
    echo "cert = $PKI/issued/$stem.crt"
    echo "key = $PKI/private/$stem.key"
    echo
    echo "[device]"
    echo "site = $SITE"
    echo "door = $name"
    echo "command_pubkey = $PUB"
    echo "ack_key = $PKI/ack/$stem.key"
    echo "state_file = $OUT/accept-$name.state"
    echo
    echo "[relay]"
    echo "backend = sim"
    echo "sim_log = $OUT/relay-$name.log"
    echo "pulse_ms = 500"
  } > "$OUT/device-$name.conf"
done

printf '%s\n' "$PIN" > "$OUT/pin"
echo "site written to $OUT"
