#!/usr/bin/env bash
# bundle_mcu.sh - latchkey-certs bundle SITE/DOOR --format mcu: the blob it writes is read
# back with the device's own parser (prov_dump, built from firmware/port/baremetal/src/
# provision.c) and every field matches the PKI it came from (CA, device certificate and
# SEC1 key as DER, the command key, the ack key's seed, the broker, the pulse, Wi-Fi);
# the tool refuses an unknown format, blob-only options without --format mcu, a Wi-Fi
# password without an SSID, and an existing file without --force; the blob is at most the
# 16 KiB every board's provisioning area holds. (firmware_mcu_e2e boots QEMU with a blob
# from the same command.)
# usage: bundle_mcu.sh SOURCE_DIR BUILD_DIR
# shellcheck disable=SC2034 # BUILD is read by tests/lib/site.sh
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
DUMP="$BUILD/tests/mcu/prov_dump"

lk_site_make
BLOB="$LK_TMP/door1.blob"
printf 'pass "word", 2.4\n' >"$LK_TMP/wifi.pass"
before=$(date +%s)
lk_site_certs bundle home/door1 --format mcu --broker broker.example.net:8883 --out "$BLOB" \
  --pulse-ms 750 --interval-ms 0 --wifi-ssid 'my net' --wifi-pass-file "$LK_TMP/wifi.pass" >"$LK_TMP/out.log"
lk_has -F "wrote the provisioning blob of home/door1 to $BLOB" <"$LK_TMP/out.log" || lk_fail "no summary line"
lk_has -F "ack_pubkey = $(head -c 64 "$PKI/ack/home.door1.pub.hex")" <"$LK_TMP/out.log" ||
  lk_fail "the gateway's ack_pubkey line is missing"
[ "$(stat -c %a "$BLOB")" = 600 ] || lk_fail "the blob (it holds the device key) is not 0600"
"$DUMP" "$BLOB" >"$LK_TMP/dump.log" || lk_fail "the device's parser refuses the blob: $(head -n1 "$LK_TMP/dump.log")"
field() { sed -n "s/^$1=//p" "$LK_TMP/dump.log"; }
hexof() { "$@" | od -An -v -tx1 | tr -d ' \n'; }
lk_expect_eq "$(field site)/$(field door)" home/door1 "names"
lk_expect_eq "$(field broker)" broker.example.net:8883 "broker"
lk_expect_eq "$(field ca)" "$(hexof openssl x509 -in "$PKI/ca/ca.crt" -outform DER)" "CA DER"
lk_expect_eq "$(field cert)" "$(hexof openssl x509 -in "$PKI/issued/home.door1.crt" -outform DER)" "certificate DER"
lk_expect_eq "$(field key)" "$(hexof openssl ec -in "$PKI/private/home.door1.key" -outform DER 2>/dev/null)" "SEC1 key DER"
lk_expect_eq "$(field cmd_pubkey)" "$(head -c 64 "$PKI/cmd/command.pub.hex")" "command key"
# The ack key's seed: the last 32 bytes of its PKCS#8 DER (RFC 8410).
lk_expect_eq "$(field ack_seed)" "$(hexof openssl pkey -in "$PKI/ack/home.door1.key" -outform DER | tail -c 64)" "ack seed"
lk_expect_eq "$(field pulse_ms)" 750 "pulse"
lk_expect_eq "$(field interval_ms)" 0 "pause after a pulse (0: none)"
lk_expect_eq "$(field wifi_ssid)/$(field wifi_pass)" 'my net/pass "word", 2.4' "Wi-Fi"
floor=$(field time_floor)
[ "$floor" -ge "$before" ] && [ "$floor" -le "$(date +%s)" ] || lk_fail "time floor $floor is not the time of writing"
[ "$(field size)" -le 16384 ] || lk_fail "blob over 16 KiB"

lk_log "refusals: one clear line, nothing written"
refused() { # refused TEXT ARGS...: the command fails and says TEXT
  local text=$1; shift
  if lk_site_certs bundle home/door1 --broker broker.example.net:8883 "$@" >"$LK_TMP/r.log" 2>&1; then
    lk_fail "accepted: $*"
  fi
  lk_has -F -e "$text" <"$LK_TMP/r.log" || lk_fail "refusal of '$*' does not say '$text': $(cat "$LK_TMP/r.log")"
}
refused "unknown --format 'esp'" --format esp --out "$LK_TMP/x.blob"
refused "need --format mcu" --out "$LK_TMP/dir" --pulse-ms 500
refused "--wifi-pass-file needs --wifi-ssid" --format mcu --out "$LK_TMP/x.blob" --wifi-pass-file "$LK_TMP/wifi.pass"
refused "already exists; use --force" --format mcu --out "$BLOB"
refused "--pulse-ms" --format mcu --out "$LK_TMP/x.blob" --pulse-ms 20
refused "--interval-ms" --format mcu --out "$LK_TMP/x.blob" --interval-ms 600001
[ ! -e "$LK_TMP/x.blob" ] || lk_fail "a refused command wrote a blob"
lk_site_certs bundle home/door1 --format mcu --broker broker.example.net:8883 --out "$BLOB" --force >/dev/null
"$DUMP" "$BLOB" >"$LK_TMP/dump.log" || lk_fail "the replaced blob does not parse"
lk_expect_eq "$(field wifi_ssid)" "" "Wi-Fi of a blob made without it"
lk_expect_eq "$(field interval_ms)" 2000 "pause after a pulse of a blob made without it (the default)"
lk_log "bundle --format mcu checks passed"
