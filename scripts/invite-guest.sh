#!/usr/bin/env bash
# invite-guest.sh - a guest in one command from the admin's laptop (docs/gateway.md,
# "Guests"): the guest's client certificate ends with the visit (latchkey-certs guest, on
# the CA laptop), the gateway's record and schedules end with it (latchkey-gateway user
# guest: GATEWAY_CMD, run on HOST over ssh when --ssh is given), and the one-time enrollment link/QR is
# served for the guest's phone (latchkey-certs enroll). The guest's PIN is made here and
# printed once, for the admin to pass on.
# usage: latchkey-invite-guest (installed by latchkey-certs; scripts/invite-guest.sh here) --pki DIR [--ssh HOST] --gateway-cmd 'sudo latchkey-gateway -c /etc/latchkey/gateway.conf'
#          --timezone Europe/Berlin NAME --doors a,b --until 'YYYY-MM-DD HH:MM'
#          [--from 'YYYY-MM-DD HH:MM'] [--windows 'mon-fri 08:00-18:00'] [--uses N]
#          [--certs latchkey-certs] [-- ENROLL_OPTIONS...]
# The CA passphrase comes as for latchkey-certs ($LATCHKEY_CA_PASSPHRASE or asked).
set -euo pipefail

die() { echo "invite-guest: $*" >&2; exit 2; }

PKI="" GW="" SSH_HOST="" TZNAME="" NAME="" DOORS="" UNTIL="" FROM="" WINDOWS="" USES="" CERTS=latchkey-certs
while [ $# -gt 0 ]; do
  case $1 in
    --pki) PKI=$2; shift 2 ;;
    --gateway-cmd) GW=$2; shift 2 ;;
    --ssh) SSH_HOST=$2; shift 2 ;;
    --timezone) TZNAME=$2; shift 2 ;;
    --doors) DOORS=$2; shift 2 ;;
    --until) UNTIL=$2; shift 2 ;;
    --from) FROM=$2; shift 2 ;;
    --windows) WINDOWS=$2; shift 2 ;;
    --uses) USES=$2; shift 2 ;;
    --certs) CERTS=$2; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$NAME" ] || die "one guest name only"; NAME=$1; shift ;;
  esac
done
[ -n "$PKI" ] && [ -n "$GW" ] && [ -n "$TZNAME" ] && [ -n "$NAME" ] && [ -n "$DOORS" ] &&
  [ -n "$UNTIL" ] || die "needs --pki, --gateway-cmd, --timezone, NAME, --doors and --until"
[ -f "/usr/share/zoneinfo/$TZNAME" ] || die "unknown time zone $TZNAME"

# The site's local end of the visit as UTC, for the certificate.
END_UTC=$(date -u -d "TZ=\"$TZNAME\" $UNTIL" +%Y-%m-%dT%H:%MZ) || die "--until '$UNTIL' is not a date"

"$CERTS" -d "$PKI" guest "$NAME" --until "$END_UTC" >/dev/null

# A 6-digit PIN from the kernel's random source.
PIN=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
PIN=$(printf '%06d' $(( PIN % 1000000 )))
args=(user guest "$NAME" --doors "$DOORS" --until "$UNTIL")
[ -z "$FROM" ] || args+=(--from "$FROM")
[ -z "$WINDOWS" ] || args+=(--windows "$WINDOWS")
[ -z "$USES" ] || args+=(--uses "$USES")
# GATEWAY_CMD is split into words on purpose (a command and its options); over ssh the
# remote shell reads the whole line, so each argument is quoted for it.
read -r -a gw <<<"$GW"
if [ -n "$SSH_HOST" ]; then
  echo "$PIN" | ssh "$SSH_HOST" "$GW $(printf '%q ' "${args[@]}")"
else
  echo "$PIN" | "${gw[@]}" "${args[@]}"
fi

echo "guest $NAME: PIN $PIN (tell it to the guest; it is not shown again)"
echo "certificate and access end $UNTIL ($TZNAME); the certificate 10 minutes later"
exec "$CERTS" -d "$PKI" enroll "$NAME" "$@"
