# certs_deliver_test.sh - integration test of the verbs that hand certificates out:
# export --mobileconfig (xmllint, the embedded p12 opened by openssl), bundle (modes,
# openssl verify, the header compiled and its bytes compared with the files) and enroll
# (curl on loopback: single use, wrong tokens counted, attempt limit, expiry).
# Usage: bash certs_deliver_test.sh /path/to/latchkey-certs
# shellcheck shell=bash
source "$(dirname "$0")/../lib/testlib.sh"

CERTS=${1:?usage: certs_deliver_test.sh /path/to/latchkey-certs}
unset LATCHKEY_PKI_DIR
export LATCHKEY_CA_PASSPHRASE='deliver test passphrase'
PKI=$LK_TMP/pki
certs() { "$CERTS" -d "$PKI" "$@"; }
mode_of() { stat -c %a "$1"; }

certs init --name Deliver >/dev/null
certs issue server localhost --dns localhost --ip 127.0.0.1 >/dev/null
certs issue client alice >/dev/null
certs issue device home/door1 >/dev/null
certs cmdkey >/dev/null

# ---------------------------------------------------------------- export --mobileconfig
MC=$LK_TMP/alice.mobileconfig
certs export alice --mobileconfig "$MC" >"$LK_TMP/mc.out"
pw=$(sed -n 's/^password: //p' "$LK_TMP/mc.out")
[ -n "$pw" ] || lk_fail "mobileconfig export printed no password"
lk_expect_eq "$(mode_of "$MC")" 600 "mode of the mobileconfig"
xmllint --noout "$MC" || lk_fail "mobileconfig is not well-formed XML"
grep -q '<key>Password</key>' "$MC" && lk_fail "password embedded without --embed-password"
grep -qF "$pw" "$MC" && lk_fail "password text found in the profile"
grep -q '<string>com.apple.security.pkcs12</string>' "$MC" || lk_fail "no pkcs12 payload"
grep -q '<string>com.apple.security.root</string>' "$MC" || lk_fail "no root payload"
grep -q '<string>org.latchkey.alice</string>' "$MC" || lk_fail "no PayloadIdentifier org.latchkey.alice"
uuids=$(grep -A1 '<key>PayloadUUID</key>' "$MC" | sed -n 's:.*<string>\(.*\)</string>.*:\1:p')
lk_expect_eq "$(sort -u <<<"$uuids" | wc -l)" 3 "distinct PayloadUUIDs"
grep -qvE '^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$' <<<"$uuids" && lk_fail "bad UUID in: $uuids"
# The first <data> is the p12: decode it with xmllint's XPath and openssl base64.
xmllint --xpath 'string(/plist/dict/array/dict[1]/data)' "$MC" | openssl base64 -d >"$LK_TMP/mc.p12"
openssl pkcs12 -legacy -in "$LK_TMP/mc.p12" -passin "pass:$pw" -nokeys 2>/dev/null | lk_has 'subject=CN = alice' \
  || lk_fail "embedded p12 does not open with the printed password"
openssl pkcs12 -legacy -in "$LK_TMP/mc.p12" -passin "pass:$pw" -info -noout 2>&1 | lk_has 'pbeWithSHA1And3-KeyTripleDES-CBC' \
  || lk_fail "embedded p12 is not the legacy form"
xmllint --xpath 'string(/plist/dict/array/dict[2]/data)' "$MC" | openssl base64 -d | openssl x509 -inform DER -noout -subject \
  | lk_has 'Deliver Latchkey CA' || lk_fail "root payload is not the CA"
# --embed-password puts it in, XML-escaped; --out and --mobileconfig together.
printf 'a<b&"c\x27>d\n' >"$LK_TMP/pw-special"
certs export alice --mobileconfig "$LK_TMP/e.mobileconfig" --out "$LK_TMP/e.p12" --password-file "$LK_TMP/pw-special" --embed-password >/dev/null
xmllint --noout "$LK_TMP/e.mobileconfig" || lk_fail "profile with an escaped password is not well-formed"
lk_expect_eq "$(xmllint --xpath 'string(/plist/dict/array/dict[1]/key[.="Password"]/following-sibling::string[1])' "$LK_TMP/e.mobileconfig")" \
  "a<b&\"c'>d" "embedded password after XML parsing"
openssl pkcs12 -in "$LK_TMP/e.p12" -passin file:"$LK_TMP/pw-special" -nokeys 2>/dev/null | lk_has 'CN = alice' || lk_fail "--out p12 next to the profile"
rc=0; certs export alice --out "$LK_TMP/x.p12" --embed-password >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || lk_fail "--embed-password without --mobileconfig accepted"
lk_log "ok: export --mobileconfig"

# ---------------------------------------------------------------- bundle
B=$LK_TMP/bundle
rc=0; certs bundle home/door9 --out "$B" --broker localhost:8883 >/dev/null 2>"$LK_TMP/b.err" || rc=$?
[ "$rc" -ne 0 ] && grep -q "no valid device certificate for 'home/door9'" "$LK_TMP/b.err" || lk_fail "bundle of an unissued device"
[ ! -e "$B/device.key" ] || lk_fail "refused bundle wrote files"
rc=0; certs bundle home/door1 --out "$B" --broker 'bad host:1' >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || lk_fail "bad --broker accepted"
certs bundle home/door1 --out "$B" --broker localhost:8884 >/dev/null
for f in device.conf ca.crt device.crt device.key command.pub.hex latchkey_device_bundle.h; do
  [ -s "$B/$f" ] || lk_fail "bundle lacks $f"
done
lk_expect_eq "$(mode_of "$B/device.key")" 600 "mode of device.key"
lk_expect_eq "$(mode_of "$B/latchkey_device_bundle.h")" 600 "mode of the header (holds the key)"
openssl verify -CAfile "$B/ca.crt" "$B/device.crt" >/dev/null || lk_fail "device.crt does not verify against ca.crt"
cmp -s "$B/command.pub.hex" "$PKI/cmd/command.pub.hex" || lk_fail "command.pub.hex differs"
[ "$(openssl pkey -in "$B/device.key" -pubout)" = "$(openssl x509 -in "$B/device.crt" -noout -pubkey)" ] || lk_fail "key does not match cert"
grep -qx 'ca = ca.crt' "$B/device.conf" && grep -qx 'cert = device.crt' "$B/device.conf" && grep -qx 'key = device.key' "$B/device.conf" \
  && grep -qx 'host = localhost' "$B/device.conf" && grep -qx 'port = 8884' "$B/device.conf" \
  && grep -qx "command_pubkey = $(cat "$PKI/cmd/command.pub.hex")" "$B/device.conf" && grep -qx 'sim_log = /var/lib/latchkey-device/relay.log' "$B/device.conf" \
  || lk_fail "device.conf: $(cat "$B/device.conf")"
gcc -fsyntax-only -Wall -Wextra -Werror -x c "$B/latchkey_device_bundle.h" || lk_fail "header does not compile alone"
cat >"$LK_TMP/hdr.c" <<'C'
#include <stdio.h>
#include "latchkey_device_bundle.h"
int main(void)
{
    size_t i;
    for (i = 0; i < sizeof latchkey_bundle_command_pubkey; i++)
        printf("%02x", latchkey_bundle_command_pubkey[i]);
    printf("\n%s%s%s", latchkey_bundle_ca_pem, latchkey_bundle_cert_pem, latchkey_bundle_key_pem);
    printf("%s %d %s %s %s\n", LATCHKEY_BUNDLE_BROKER_HOST, LATCHKEY_BUNDLE_BROKER_PORT, LATCHKEY_BUNDLE_SITE,
           LATCHKEY_BUNDLE_DOOR, LATCHKEY_BUNDLE_CLIENT_ID);
    return 0;
}
C
gcc -std=c99 -Wall -Wextra -Werror -I"$B" -o "$LK_TMP/hdr" "$LK_TMP/hdr.c" || lk_fail "header does not compile in a program"
"$LK_TMP/hdr" >"$LK_TMP/hdr.out"
{ cat "$B/command.pub.hex" "$B/ca.crt" "$B/device.crt" "$B/device.key"; echo "localhost 8884 home door1 latchkey-home-door1"; } >"$LK_TMP/hdr.want"
cmp -s "$LK_TMP/hdr.out" "$LK_TMP/hdr.want" || lk_fail "header contents differ from the files: $(diff "$LK_TMP/hdr.out" "$LK_TMP/hdr.want" | head)"
rc=0; certs bundle home/door1 --out "$B" --broker localhost:8884 >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || lk_fail "bundle replaced an existing one without --force"
certs bundle home/door1 --out "$B" --broker '[::1]:8885' --force >/dev/null
grep -qx 'host = ::1' "$B/device.conf" || lk_fail "IPv6 broker host"
lk_log "ok: bundle"

# ---------------------------------------------------------------- enroll
CURL=(curl -sS --max-time 10 --cacert "$PKI/ca/ca.crt")
start_enroll() { # NAME ARGS...: starts enroll, waits for the link
  local name=$1; shift
  lk_free_port PORT
  lk_start "$name" "$CERTS" -d "$PKI" enroll alice --listen "127.0.0.1:$PORT" "$@"
  EPID=$LK_LAST_PID
  lk_wait_port "$PORT" 10 "$EPID"
  lk_wait_for 5 "enroll prints its password" grep -q '^password: ' "$LK_TMP/$name.log"
  LINK=$(sed -n 's/^link: //p' "$LK_TMP/$name.log")
  PW=$(sed -n 's/^password: //p' "$LK_TMP/$name.log")
  [[ "$LINK" =~ ^https://localhost:$PORT/enroll/[A-Za-z0-9_-]{22}$ ]] || lk_fail "link: $LINK"
  [[ "$LINK" != *"$PW"* ]] || lk_fail "password in the link"
}
# wait_exit PID SECONDS: the process ends by itself within SECONDS; sets EXIT_RC.
wait_exit() {
  lk_wait_for "$2" "enroll $1 exits" bash -c "! kill -0 $1 2>/dev/null"
  EXIT_RC=0; wait "$1" || EXIT_RC=$?
}
code() { "${CURL[@]}" -o "${2:-/dev/null}" -w "%{http_code}" --resolve "localhost:$PORT:127.0.0.1" "$1" 2>/dev/null || true; }

start_enroll enroll1 --attempts 3 --minutes 2 --legacy
grep -q '█\|▀\|▄' "$LK_TMP/enroll1.log" || lk_fail "no QR code printed"
lk_expect_eq "$(code "$LINK" "$LK_TMP/got.p12")" 200 "first fetch"
openssl pkcs12 -legacy -in "$LK_TMP/got.p12" -passin "pass:$PW" -nokeys 2>/dev/null | lk_has 'subject=CN = alice' || lk_fail "fetched p12 does not open"
lk_expect_eq "$(code "$LINK")" 410 "second fetch of the same token"
lk_expect_eq "$(code "${LINK%/*}/AAAAAAAAAAAAAAAAAAAAAA")" 404 "wrong token"
lk_expect_eq "$(code "https://localhost:$PORT/favicon.ico")" 404 "another path (not counted)"
kill -0 "$EPID" 2>/dev/null || lk_fail "enroll stopped before the attempt limit"
lk_expect_eq "$(code "${LINK%/*}/x")" 404 "third wrong request"
wait_exit "$EPID" 5
lk_expect_eq "$EXIT_RC" 0 "exit status after delivery"
grep -q 'wrong request 3/3' "$LK_TMP/enroll1.log" || lk_fail "wrong requests not counted"
lk_log "ok: enroll single use, wrong tokens counted, limit closes it"

# Attempts exhausted without delivery: exit 1, and the real token is never served.
start_enroll enroll2 --attempts 2
lk_expect_eq "$(code "${LINK%/*}/BBBBBBBBBBBBBBBBBBBBBB")" 404 "wrong token 1"
lk_expect_eq "$(code "${LINK%/*}/CCCCCCCCCCCCCCCCCCCCCC")" 404 "wrong token 2"
wait_exit "$EPID" 5
lk_expect_eq "$EXIT_RC" 1 "exit status after the limit"
lk_expect_eq "$(code "$LINK")" 000 "fetch after the endpoint closed"
lk_log "ok: enroll attempt limit"

# Expiry (--seconds, the test-only finer form of --minutes).
start_enroll enroll3 --seconds 2
wait_exit "$EPID" 6
lk_expect_eq "$EXIT_RC" 1 "exit status after expiry"
grep -q 'expired unused' "$LK_TMP/enroll3.log" || lk_fail "no expiry message"
lk_log "ok: enroll expiry"

# Bounded request size and a silent client do not wedge it.
start_enroll enroll4 --seconds 30 --attempts 2
head -c 6000 /dev/zero | tr '\0' 'a' | { printf 'GET /enroll/'; cat; printf ' HTTP/1.1\r\n\r\n'; } \
  | timeout 10 openssl s_client -quiet -connect "127.0.0.1:$PORT" >"$LK_TMP/big.out" 2>/dev/null || true
grep -q '431' "$LK_TMP/big.out" || lk_fail "oversized request not refused with 431: $(head -c 200 "$LK_TMP/big.out")"
lk_expect_eq "$(code "$LINK" "$LK_TMP/got2.p12")" 200 "fetch after an oversized request"
lk_stop "$EPID"
lk_log "ok: enroll bounded request"
lk_log "PASS"
