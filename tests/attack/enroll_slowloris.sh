#!/usr/bin/env bash
# enroll_slowloris.sh - slow clients cannot keep the phone from its enrollment link
# (docs/security.md, "Enrollment endpoint"). Against `latchkey-certs enroll` on loopback,
# with trickle_client.py sending a real ClientHello one byte a second:
# - one trickler holds a connection (and another client sends half a request line): the
#   phone with the right link still gets its .p12 at once, and both are cut at their
#   connection deadline (10 s; the half request gets 408);
# - a fifth trickler from an address that holds 4 connections is refused at once;
# - with all 16 slots held by tricklers from 4 addresses, the phone's two requests for the
#   link wait in the backlog and are served when the first slots free (a bounded wait);
#   exactly one of them gets the .p12, the other 410 (single use holds under concurrency).
# usage: enroll_slowloris.sh SOURCE_DIR BUILD_DIR
ROOT=$1 BUILD=$2
. "$ROOT/tests/lib/testlib.sh"

LK_SLOW=${LK_SLOW:-1}
CERTS=$BUILD/certs-tool/latchkey-certs
BUDGET=10 # LK_ENROLL_CONN_BUDGET_S
PY=python3
[ ! -x /usr/bin/python3 ] || PY=/usr/bin/python3
export LATCHKEY_CA_PASSPHRASE='slowloris test passphrase'
PKI=$LK_TMP/pki
certs() { "$CERTS" -d "$PKI" "$@"; }
certs init --name Slowloris >/dev/null
certs issue server localhost --dns localhost --ip 127.0.0.1 >/dev/null
certs issue client alice >/dev/null

start_enroll() { # NAME: starts enroll (2 minutes), waits for the link; sets PORT EPID LINK PW ELOG
  PORT=$(lk_free_port)
  lk_start "$1" "$CERTS" -d "$PKI" enroll alice --listen "127.0.0.1:$PORT" --seconds 120
  EPID=$LK_LAST_PID ELOG=$LK_TMP/$1.log
  lk_wait_port "$PORT" $(( 10 * LK_SLOW )) "$EPID"
  lk_wait_for $(( 5 * LK_SLOW )) "enroll prints its password" grep -q '^password: ' "$ELOG"
  LINK=$(sed -n 's/^link: //p' "$ELOG")
  PW=$(sed -n 's/^password: //p' "$ELOG")
}
TRICKLERS=0
trickle() { # SOURCE: one more trickler from SOURCE (log trickleN.log); sets TLOG
  TRICKLERS=$((TRICKLERS + 1))
  lk_start "trickle$TRICKLERS" "$PY" "$ROOT/tests/attack/trickle_client.py" "$PORT" "$1" 1 $(( 60 * LK_SLOW ))
  TLOG=$LK_TMP/trickle$TRICKLERS.log
}
trickling() { lk_wait_for $(( 10 * LK_SLOW )) "$1 is trickling" grep -q '^trickling' "$1"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
p12_opens() { openssl pkcs12 -in "$1" -passin "pass:$PW" -nokeys 2>/dev/null | grep -q 'subject=CN = alice'; }
# phone [CURL ARGS...]: GET the link as the phone; prints the HTTP status, body in phone.p12.
phone() {
  curl -sS --max-time $(( 5 * LK_SLOW )) --cacert "$PKI/ca/ca.crt" --resolve "localhost:$PORT:127.0.0.1" \
    -o "$LK_TMP/phone.p12" -w '%{http_code}' "$@" "$LINK" 2>/dev/null || true
}

lk_log "one trickler holds a connection: the phone is still served at once"
start_enroll enroll1
trickle 127.0.0.1
T1=$TLOG
# ... and one that finishes the handshake, then sends half a request line and nothing more.
lk_start slowreq bash -c "{ printf 'GET /enr'; sleep $(( (BUDGET + 3) * LK_SLOW )); } |
  timeout $(( (BUDGET + 5) * LK_SLOW )) openssl s_client -quiet -connect 127.0.0.1:$PORT -CAfile '$PKI/ca/ca.crt'"
trickling "$T1"
t0=$(ms)
lk_expect_eq "$(phone)" 200 "the phone's download beside a trickler"
took=$(( $(ms) - t0 ))
[ "$took" -lt $(( 3000 * LK_SLOW )) ] || lk_fail "the download took $took ms"
p12_opens "$LK_TMP/phone.p12" || lk_fail "the downloaded p12 does not open"
lk_log "served in $took ms; the trickler is cut at its deadline"
lk_wait_for $(( (BUDGET + 10) * LK_SLOW )) "the trickler is closed" grep -q '^closed after' "$T1"
s=$(sed -n 's/^closed after \([0-9]*\)\..*/\1/p' "$T1")
[ "$s" -ge $(( BUDGET - 1 )) ] && [ "$s" -le $(( BUDGET + 3 * LK_SLOW )) ] ||
  lk_fail "the trickler was closed after $s s, not at its $BUDGET s deadline"
grep -q "TLS handshake with 127.0.0.1 port [0-9]* not finished within $BUDGET s: dropped" "$ELOG" ||
  lk_fail "the dropped handshake is not logged"
lk_wait_for $(( 5 * LK_SLOW )) "the half request gets 408" grep -q '^HTTP/1.1 408 Request Timeout' "$LK_TMP/slowreq.log"
grep -q "127.0.0.1 port [0-9]* too slow (no full request within $BUDGET s), dropped" "$ELOG" ||
  lk_fail "the dropped request is not logged"
lk_stop "$EPID"

lk_log "4 connections per address: a fifth is refused at once"
start_enroll enroll2
FIRST=$(ms) # before the first of these connects: no slot frees before FIRST + BUDGET
for i in 1 2 3 4; do trickle 127.0.0.1; done
for i in 1 2 3 4; do trickling "$LK_TMP/trickle$((TRICKLERS - 4 + i)).log"; done
trickle 127.0.0.1
lk_wait_for $(( 5 * LK_SLOW )) "the fifth trickler is closed" grep -q '^closed after' "$TLOG"
s=$(sed -n 's/^closed after \([0-9]*\)\..*/\1/p' "$TLOG")
[ "$s" -le $(( 1 * LK_SLOW )) ] || lk_fail "the fifth connection was held $s s"
grep -q 'refused 127.0.0.1 port [0-9]*: 4 connections from that address are open already' "$ELOG" ||
  lk_fail "the refusal is not logged"

lk_log "16 slots held from 4 addresses: the phone waits in the backlog, then one of two requests gets the p12"
for a in 127.0.0.2 127.0.0.3 127.0.0.4; do for i in 1 2 3 4; do trickle "$a"; done; done
for i in $(seq $((TRICKLERS - 11)) "$TRICKLERS"); do trickling "$LK_TMP/trickle$i.log"; done
t0=$(ms)
curl -sS --parallel --parallel-immediate --max-time $(( (BUDGET + 10) * LK_SLOW )) --interface 127.0.0.5 --cacert "$PKI/ca/ca.crt" \
  --resolve "localhost:$PORT:127.0.0.1" -o "$LK_TMP/a.p12" -w '%{http_code}\n' "$LINK" \
  --next --max-time $(( (BUDGET + 10) * LK_SLOW )) --interface 127.0.0.5 --cacert "$PKI/ca/ca.crt" \
  --resolve "localhost:$PORT:127.0.0.1" -o "$LK_TMP/b.p12" -w '%{http_code}\n' "$LINK" \
  >"$LK_TMP/both.out" 2>"$LK_TMP/both.err" || true
took=$(( $(ms) - t0 ))
lk_expect_eq "$(sort "$LK_TMP/both.out" | tr '\n' ' ')" "200 410 " "the two concurrent downloads of one link"
p12_opens "$LK_TMP/a.p12" || p12_opens "$LK_TMP/b.p12" || lk_fail "the downloaded p12 does not open"
waited=$(( $(ms) - FIRST ))
# Queued, not served beside 16 held slots: it waited for the first trickler's deadline.
[ "$waited" -ge $(( (BUDGET - 1) * 1000 )) ] || lk_fail "served after $waited ms beside 16 held connections"
[ "$took" -le $(( (BUDGET + 5) * 1000 * LK_SLOW )) ] || lk_fail "the phone waited $took ms"
grep -q 'delivered alice.p12 to 127.0.0.5' "$ELOG" || lk_fail "delivery not logged"
grep -q '410: the used link was requested again from 127.0.0.5' "$ELOG" || lk_fail "410 not logged"
lk_log "the phone waited $took ms behind 16 slow clients; single use held"
