#!/usr/bin/env bash
# config_templates.sh SRC GATEWAY DEVICE CERTS - the installed config templates
# (examples/config/*.conf.example) and the Home Assistant device example load in the real
# programs: a throw-away PKI stands in for /etc/latchkey/pki, /etc/latchkey/crl and
# /var/lib/latchkey, then
# `latchkey-gateway --check-config` must say OK and latchkey-device must get past its
# whole config to the GPIO chip (absent here), i.e. fail only with "cannot open GPIO chip".
set -uo pipefail
src=$1 gateway=$2 device=$3 certs=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

export LATCHKEY_CA_PASSPHRASE=template-test LATCHKEY_PKI_DIR=$tmp/pki
{
  "$certs" init --name Template &&
  "$certs" issue server door.example.org --dns door.example.org &&
  "$certs" issue gateway && "$certs" issue device home/front &&
  "$certs" cmdkey && "$certs" crl &&
  "$certs" bundle home/front --out "$tmp/bundle" --broker door.example.org:8883
} >"$tmp/pki.log" 2>&1 || { cat "$tmp/pki.log" >&2; echo "FAIL: making the PKI" >&2; exit 1; }

# Gateway: the template with the placeholders pointed at the throw-away PKI.
mkdir -m 0700 "$tmp/state"
sed -e "s#/etc/latchkey/pki#$tmp/pki#g" -e "s#/etc/latchkey/crl/#$tmp/pki/#g" -e "s#/var/lib/latchkey#$tmp/state#g" \
  -e "s#^;ack_pubkey = .*#ack_pubkey = $(cat "$tmp/bundle/ack.pub.hex")#" \
  -e "s#^user = latchkey\$#user = $(id -un)#" -e "s#^port = 443\$#port = $(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')#" \
  "$src/examples/config/gateway.conf.example" >"$tmp/gateway.conf"
"$gateway" -c "$tmp/gateway.conf" init-secrets >/dev/null || bad "gateway init-secrets on the template"
out=$("$gateway" -c "$tmp/gateway.conf" --check-config 2>&1)
grep -q ": OK" <<<"$out" || bad "gateway.conf.example: $out"
! grep -q "has no ack_pubkey" <<<"$out" || bad "gateway.conf.example: the door's ack_pubkey was not taken: $out"

# Device: each example next to the bundle's files (relative paths), with the real key
# and a GPIO chip that does not exist.
pub=$(cat "$tmp/bundle/command.pub.hex")
for f in "$src/examples/config/device.conf.example" "$src/examples/homeassistant/device.conf"; do
  sed -e "s/^command_pubkey = [0-9a-f]*/command_pubkey = $pub/" \
    -e "s#^state_file = /var/lib/latchkey-device#state_file = $tmp/state#" \
    -e "s/^gpio_chip = .*/gpio_chip = gpiochip250/" "$f" >"$tmp/bundle/t.conf"
  out=$(timeout 10 "$device" -c "$tmp/bundle/t.conf" 2>&1)
  rc=$?
  if [ $rc -ne 2 ] || ! grep -q "cannot open GPIO chip 'gpiochip250'" <<<"$out"; then
    bad "$f: exit $rc: $out"
  fi
done

[ $fail -eq 0 ] && echo "config templates: OK"
exit $fail
