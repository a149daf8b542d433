#!/usr/bin/env bash
# tls_posture.sh - testssl.sh (Debian) against the real gateway: only TLS 1.2 and 1.3,
# no NULL / anonymous / export / low / 3DES / obsolete CBC ciphers, forward secrecy only.
# (testssl.sh 3.0 cannot present a client certificate; protocol and cipher checks happen
# before the certificate request, so they are meaningful all the same.)
# usage: tls_posture.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"
. "$ROOT/tests/lib/site.sh"
command -v testssl >/dev/null || lk_fail "testssl is not installed (scripts/install-deps.sh installs testssl.sh)"

# Only the gateway runs: no broker is needed to look at its TLS listener.
lk_site_make --pin 123456
lk_site_start_gateway --no-mqtt

timeout 240 testssl --quiet --color 0 --warnings off --protocols --std --fs \
  --jsonfile "$LK_TMP/testssl.json" --ip 127.0.0.1 "localhost:$GATEWAY_PORT" > "$LK_TMP/testssl.log" 2>&1 \
  || true # testssl's exit code counts findings; the JSON is checked below
[ -s "$LK_TMP/testssl.json" ] || lk_fail "testssl wrote no results"
cp "$LK_TMP/testssl.log" "$BUILD/tests/attack/testssl-summary.txt"

# finding ID: prints testssl's finding for one check id.
finding() { grep -A8 "\"id\"[[:space:]]*:[[:space:]]*\"$1\"" "$LK_TMP/testssl.json" | sed -n 's/.*"finding"[[:space:]]*:[[:space:]]*"\(.*\)".*/\1/p' | sed -n 1p; }
for id in SSLv2 SSLv3 TLS1 TLS1_1 cipherlist_NULL cipherlist_aNULL cipherlist_EXPORT \
          cipherlist_LOW cipherlist_3DES_IDEA cipherlist_AVERAGE; do
  f=$(finding "$id")
  [ -n "$f" ] || lk_fail "testssl reported nothing for $id"
  case "$f" in "not offered"*) lk_log "$id: $f" ;; *) lk_fail "$id: $f" ;; esac
done
for id in TLS1_2 TLS1_3 PFS; do
  f=$(finding "$id")
  case "$f" in offered*) lk_log "$id: $f" ;; *) lk_fail "$id: expected offered, got '$f'" ;; esac
done
lk_log "TLS posture as required"
