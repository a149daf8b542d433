# broker_config_test.sh - the Mosquitto configuration of 'latchkey-certs broker-config'
# against a real Mosquitto on loopback: the gateway commands a door and the door gets it;
# a device cannot read another door's commands nor command a door; a phone certificate gets
# nothing; after 'revoke' + 'crl' and a SIGHUP (by PID) the revoked device is refused. Then
# the --home-bridge config: a home broker bridges commands in and acks out. Also
# --install-dir, --plugin none and acl.local kept across regeneration.
# A denied subscription still gets a SUBACK in Mosquitto 2.0, so "denied" is tested as
# "a message published meanwhile does not arrive within a bound".
# Usage: bash broker_config_test.sh /path/to/latchkey-certs /path/to/latchkey_revoke.so
# shellcheck shell=bash
source "$(dirname "$0")/../lib/testlib.sh"

CERTS=${1:?usage: broker_config_test.sh /path/to/latchkey-certs /path/to/latchkey_revoke.so}
PLUGIN=${2:?usage: broker_config_test.sh /path/to/latchkey-certs /path/to/latchkey_revoke.so}
unset LATCHKEY_PKI_DIR
export LATCHKEY_CA_PASSPHRASE='broker test passphrase'
PKI=$LK_TMP/pki
certs() { "$CERTS" -d "$PKI" "$@"; }
ROOT_OPT=(); [ "$(id -u)" -ne 0 ] || ROOT_OPT=(--run-as-root)

certs init --name Broker >/dev/null
certs issue server localhost --dns localhost --ip 127.0.0.1 >/dev/null
certs issue gateway >/dev/null
certs issue client alice >/dev/null
certs issue device home/door1 >/dev/null
certs issue device home/door2 >/dev/null
certs issue device other/door1 >/dev/null
certs crl >/dev/null

lk_free_port PORT
B=$LK_TMP/broker
certs broker-config --out "$B" --site home --listen 127.0.0.1 --port "$PORT" --crl "$PKI/crl.pem" \
  --plugin "$PLUGIN" "${ROOT_OPT[@]}" >/dev/null
grep -qx 'plugin_opt_crlnumberfile /var/lib/mosquitto/latchkey-home.crl-number' "$B/mosquitto.conf" ||
  lk_fail "no CRL number state for the plugin"
# --state-dir: a relative path, or one without the plugin, is refused.
certs broker-config --out "$B" --site home --crl "$PKI/crl.pem" --state-dir rel 2>/dev/null &&
  lk_fail "broker-config took a relative --state-dir"
certs broker-config --out "$B" --site home --crl "$PKI/crl.pem" --plugin none --state-dir "$B" 2>/dev/null &&
  lk_fail "broker-config took --state-dir without the plugin"
grep -qx 'user home/door1' "$B/acl" && grep -qx 'user home/door2' "$B/acl" || lk_fail "devices missing from the acl"
grep -q 'other/door1' "$B/acl" && lk_fail "a device of another site is in the acl"
grep -q 'alice' "$B/acl" && lk_fail "a phone is in the acl"
for t in binary_sensor/latchkey_home_door1/online binary_sensor/latchkey_home_door1/relay; do
  grep -qx "topic write homeassistant/$t/config" "$B/acl" || lk_fail "no discovery topic $t"
done
# The gateway's own discovery configs of each door, by exact name, in the gateway's block.
for t in event/latchkey_home_door1/attempt sensor/latchkey_home_door1/last_result \
         sensor/latchkey_home_door2/last_opener button/latchkey_home_door2/request; do
  sed -n '/^user gateway$/,/^$/p' "$B/acl" | grep -qx "topic write homeassistant/$t/config" ||
    lk_fail "no gateway discovery topic $t"
done
# Every topic by its exact name: no wildcard in a device's lines, nothing readable but its cmd.
grep -A20 -x 'user home/door1' "$B/acl" | sed -n '1,/^$/p' | lk_has '[+#]' && lk_fail "a wildcard in a device's acl"
[ "$(grep -A20 -x 'user home/door1' "$B/acl" | sed '/^$/q' | grep '^topic read')" = "topic read latchkey/home/door1/cmd
topic read latchkey/home/door1/time" ] || lk_fail "a device reads more than its cmd and its time beacon"
# The time beacon (docs/protocol.md): each device asks on its own topic, the gateway answers.
grep -A20 -x 'user home/door2' "$B/acl" | sed '/^$/q' | lk_has -x 'topic write latchkey/home/door2/time/req' ||
  lk_fail "door2 cannot ask for its time beacon"
for k in 'topic read latchkey/home/+/time/req' 'topic write latchkey/home/+/time'; do
  sed -n '/^user gateway$/,/^$/p' "$B/acl" | lk_has -xF "$k" || lk_fail "the gateway's acl lacks '$k'"
done
sed -n '/^user gateway$/,/^$/p' "$B/acl" | lk_has -x 'topic write .*/time/req' && lk_fail "the gateway may write time requests"
for k in 'require_certificate true' "plugin_opt_aclfile $B/acl" \
         'allow_anonymous false' 'tls_version tlsv1.2' 'max_packet_size 2048' \
         'set_tcp_nodelay true' "crlfile $PKI/crl.pem" "acl_file $B/acl" "listener $PORT 127.0.0.1" \
         "plugin $PLUGIN" "plugin_opt_crlfile $PKI/crl.pem" "plugin_opt_cafile $B/ca.crt"; do
  grep -qxF "$k" "$B/mosquitto.conf" || lk_fail "mosquitto.conf lacks '$k'"
done
# With use_identity_as_username Mosquitto 2.0 never asks the plugin who may connect.
grep -q '^use_identity_as_username' "$B/mosquitto.conf" && lk_fail "use_identity_as_username bypasses the plugin"
# The plugin: the packaged path by default; always there (it decides who connects), its CRL
# options only with a CRL.
certs broker-config --out "$LK_TMP/b-default" --site home --crl "$PKI/crl.pem" >/dev/null
grep -qx 'plugin /usr/lib/latchkey/latchkey_revoke.so' "$LK_TMP/b-default/mosquitto.conf" || lk_fail "default plugin path"
certs broker-config --out "$LK_TMP/b-nocrl" --site home >/dev/null 2>&1
grep -qx "plugin_opt_aclfile $LK_TMP/b-nocrl/acl" "$LK_TMP/b-nocrl/mosquitto.conf" || lk_fail "no identity check without a CRL"
grep -q '^plugin_opt_crlfile' "$LK_TMP/b-nocrl/mosquitto.conf" && lk_fail "a plugin CRL option without a CRL"
certs broker-config --out "$LK_TMP/b-bad" --site home --crl "$PKI/crl.pem" --plugin rel/p.so >/dev/null 2>&1 &&
  lk_fail "a relative --plugin accepted"
# docs/operations.md, "Upgrading a broker from before the CONNECT check": its command, word
# for word, in a directory where ./pki is this test's PKI, writes a config with the check.
up=$(sed -n '/^### Upgrading a broker from before the CONNECT check/,/^##/{s/^    \(latchkey-certs .*\)$/\1/p}' \
  "$(dirname "$0")/../../docs/operations.md")
[ -n "$up" ] || lk_fail "no command in docs/operations.md's broker upgrade section"
mkdir -p "$LK_TMP/upgrade" && ln -s "$PKI" "$LK_TMP/upgrade/pki"
(cd "$LK_TMP/upgrade" && eval "\"\$CERTS\" ${up#latchkey-certs }" >/dev/null) || lk_fail "the upgrade command failed: $up"
grep -qx "plugin_opt_aclfile $LK_TMP/upgrade/broker/acl" "$LK_TMP/upgrade/broker/mosquitto.conf" &&
  ! grep -q '^use_identity_as_username' "$LK_TMP/upgrade/broker/mosquitto.conf" ||
  lk_fail "the upgrade command did not write the CONNECT check"
# --install-dir: the configs name the broker host's paths (the CRL's need not exist here);
# --plugin none leaves the plugin out.
certs broker-config --out "$LK_TMP/b-inst" --site home --install-dir /etc/mosquitto/latchkey \
  --crl /etc/latchkey/crl/crl.pem --plugin none >/dev/null || lk_fail "--install-dir with a CRL path of the broker host"
for k in 'acl_file /etc/mosquitto/latchkey/acl' 'cafile /etc/mosquitto/latchkey/ca.crt' \
         'keyfile /etc/mosquitto/latchkey/server.key' 'crlfile /etc/latchkey/crl/crl.pem'; do
  grep -qxF "$k" "$LK_TMP/b-inst/mosquitto.conf" || lk_fail "--install-dir: mosquitto.conf lacks '$k'"
done
grep -q "$LK_TMP" "$LK_TMP/b-inst/mosquitto.conf" && lk_fail "--install-dir: mosquitto.conf names --out"
grep -q '^plugin' "$LK_TMP/b-inst/mosquitto.conf" && lk_fail "--plugin none wrote a plugin line"
certs broker-config --out "$LK_TMP/b-bad" --site home --install-dir rel/dir >/dev/null 2>&1 && lk_fail "a relative --install-dir accepted"
certs broker-config --out "$LK_TMP/b-bad" --site home --install-dir /x --crl rel/crl.pem >/dev/null 2>&1 &&
  lk_fail "a relative --crl with --install-dir accepted"
# acl.local: made (commented) on the first run; the operator's lines are in every later acl,
# and the file itself is never rewritten.
[ -f "$B/acl.local" ] || lk_fail "no acl.local after the first run"
grep -v '^#' "$B/acl.local" | lk_has . && lk_fail "the first acl.local is not all comments"
printf 'user monitor\ntopic read latchkey/home/+/availability\n' >>"$B/acl.local"
cp "$B/acl.local" "$LK_TMP/acl.local.before"
# The regenerated config keeps the plugin's CRL number inside the test (--state-dir).
certs broker-config --out "$B" --site home --listen 127.0.0.1 --port "$PORT" --crl "$PKI/crl.pem" \
  --plugin "$PLUGIN" --state-dir "$B" "${ROOT_OPT[@]}" >/dev/null
grep -qx "plugin_opt_crlnumberfile $B/latchkey-home.crl-number" "$B/mosquitto.conf" ||
  lk_fail "--state-dir did not place the plugin's CRL number"
cmp -s "$B/acl.local" "$LK_TMP/acl.local.before" || lk_fail "broker-config rewrote acl.local"
grep -A1 -x 'user monitor' "$B/acl" | lk_has -x 'topic read latchkey/home/+/availability' || lk_fail "the regenerated acl lost acl.local's lines"
grep -qx 'user home/door1' "$B/acl" || lk_fail "the regenerated acl lost the generated lines"
lk_start mosquitto mosquitto -c "$B/mosquitto.conf"
MPID=$LK_LAST_PID
lk_wait_port "$PORT" 10 "$MPID"

# id_args NAME: TLS options and client id of identity NAME (file stem: home.door1 is CN
# home/door1) on the broker under test, which admits only the client id latchkey-<CN>.
id_args() { echo "--cafile $PKI/ca/ca.crt --cert $PKI/issued/$1.crt --key $PKI/private/$1.key -i latchkey-${1//./-}"; }
# sub NAME ID TOPIC [SECONDS]: background subscriber for one message; waits for its SUBACK.
sub() {
  local name=$1 id=$2 topic=$3 secs=${4:-5}
  # shellcheck disable=SC2046 # id_args prints several words: split on purpose
  lk_start "$name" stdbuf -oL -eL mosquitto_sub -d -h localhost -p "${SUBPORT:-$PORT}" $(id_args "$id") -t "$topic" -q 1 -C 1 -W "$secs"
  SPID=$LK_LAST_PID
  lk_wait_for 5 "$name subscribed" grep -q 'received SUBACK' "$LK_TMP/$name.log"
}
# shellcheck disable=SC2046 # id_args prints several words: split on purpose
pub() { mosquitto_pub -h localhost -p "${PUBPORT:-$PORT}" $(id_args "$1") -t "$2" -m "$3" -q 1; }
# got NAME PID: waits for the subscriber to end; prints the messages it received.
got() { lk_wait_for 10 "$1 ends" bash -c "! kill -0 $2 2>/dev/null"; wait "$2" 2>/dev/null || true; grep -v '^Client \|^Subscribed\|^Timed out' "$LK_TMP/$1.log" || true; }

# 1. gateway -> own door
sub door1 home.door1 latchkey/home/door1/cmd
pub gateway latchkey/home/door1/cmd open-1
lk_expect_eq "$(got door1 "$SPID")" open-1 "door1 gets the gateway's command"
# 2. door2 subscribes to door1's commands: SUBACK, but nothing arrives
sub spy home.door2 latchkey/home/door1/cmd 3
pub gateway latchkey/home/door1/cmd open-2
lk_expect_eq "$(got spy "$SPID")" "" "door2 reading door1's commands"
# 3. a phone certificate (its CN has no block in the ACL) cannot even connect
rc=0
# shellcheck disable=SC2046 # id_args prints several words: split on purpose
mosquitto_sub -h localhost -p "$PORT" $(id_args alice) -t latchkey/home/door1/cmd -C 1 -W 3 >"$LK_TMP/phone.log" 2>&1 || rc=$?
lk_has -i 'not authori' <"$LK_TMP/phone.log" || lk_fail "a phone certificate connected (rc $rc): $(cat "$LK_TMP/phone.log")"
lk_has "refused .* (CN 'alice', client id 'latchkey-alice'): its CN has no block in the ACL" <"$LK_TMP/mosquitto.log" ||
  lk_fail "the broker did not say why the phone was refused"
# 4. neither a device nor a phone can command a door
sub door1b home.door1 latchkey/home/door1/cmd 3
pub home.door2 latchkey/home/door1/cmd forged-by-door2 || true
pub alice latchkey/home/door1/cmd forged-by-phone || true
lk_expect_eq "$(got door1b "$SPID")" "" "commands published by a device or phone"
# 5. the gateway reads a door's ack
sub gwack gateway latchkey/home/door1/ack
pub home.door1 latchkey/home/door1/ack ack-1
lk_expect_eq "$(got gwack "$SPID")" ack-1 "gateway reads door1's ack"
lk_log "ok: ACL"

# 6. revoke door1, publish the CRL, SIGHUP: door1 is refused, door2 still works.
certs revoke home/door1 --reason keyCompromise >/dev/null
certs crl >/dev/null
kill -HUP "$MPID"
lk_wait_for 5 "mosquitto reloads" grep -q 'Reloading config' "$LK_TMP/mosquitto.log"
sleep 0.5
rc=0
# shellcheck disable=SC2046 # id_args prints several words: split on purpose
mosquitto_sub -h localhost -p "$PORT" $(id_args home.door1) -t latchkey/home/door1/cmd -C 1 -W 3 >"$LK_TMP/revoked.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 27 ] || lk_fail "revoked device still connects (rc $rc): $(cat "$LK_TMP/revoked.log")"
sub door2 home.door2 latchkey/home/door2/cmd
pub gateway latchkey/home/door2/cmd open-4
lk_expect_eq "$(got door2 "$SPID")" open-4 "door2 after the CRL reload"
lk_log "ok: revoked device refused after crl + SIGHUP"

# 7. home bridge: a home broker dials out to the broker above as home/door2.
H=$LK_TMP/home; mkdir -p "$H"
certs broker-config --home-bridge --remote "localhost:$PORT" --out "$H/conf.d" --site home --identity home/door2 >/dev/null
grep -qx 'cleansession true' "$H/conf.d/bridge.conf" || lk_fail "bridge without cleansession true"
lk_free_port HPORT
{
  echo "per_listener_settings false"
  echo "allow_anonymous false"
  echo "persistence false"
  echo "log_dest stderr"
  [ "$(id -u)" -ne 0 ] || echo "user root"
  echo "include_dir $H/conf.d"
  echo "listener $HPORT 127.0.0.1"
  echo "cafile $PKI/ca/ca.crt"
  echo "certfile $PKI/issued/localhost.crt"
  echo "keyfile $PKI/private/localhost.key"
  echo "require_certificate true"
  echo "use_identity_as_username true"
} >"$H/mosquitto.conf"
lk_start home-mosquitto mosquitto -c "$H/mosquitto.conf"
HPID=$LK_LAST_PID
lk_wait_port "$HPORT" 10 "$HPID"
grep -qx 'bridge_max_packet_size 2048' "$H/conf.d/bridge.conf" || lk_fail "bridge without bridge_max_packet_size"
# The internet-facing broker admits the bridge under the client id of its certificate's CN.
lk_wait_for 10 "bridge connects" grep -q "as latchkey-home-door2 .*u'home/door2'" "$LK_TMP/mosquitto.log"
SUBPORT=$HPORT sub homedoor2 home.door2 latchkey/home/door2/cmd 10
for _ in $(seq 1 20); do # the bridge subscribes right after connecting: retry until it is there
  kill -0 "$SPID" 2>/dev/null || break
  pub gateway latchkey/home/door2/cmd via-bridge
  sleep 0.5
done
lk_expect_eq "$(got homedoor2 "$SPID" | sort -u)" via-bridge "command through the bridge"
sub gwack2 gateway latchkey/home/door2/ack 10
PUBPORT=$HPORT pub home.door2 latchkey/home/door2/ack ack-via-bridge
lk_expect_eq "$(got gwack2 "$SPID")" ack-via-bridge "ack through the bridge"
lk_log "ok: home bridge"
lk_log "PASS"
