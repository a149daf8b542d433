#!/usr/bin/env bash
# fetch-wolfssl-source.sh - fetches Debian's own wolfSSL source package (the version of the
# installed libwolfssl-dev, with Debian's patches applied) for the microcontroller build
# (firmware/port/baremetal). The deb-src entries are made from this system's own apt
# sources, in a private apt directory: the system's apt configuration is not changed and
# no mirror is named here. Idempotent: an unpacked tree already in the cache is reused.
# Prints the source tree's path on the last line of stdout.
# usage: fetch-wolfssl-source.sh [--cache DIR]
#   DIR defaults to $LATCHKEY_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/latchkey.
set -euo pipefail

CACHE=${LATCHKEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/latchkey}
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) CACHE=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-wolfssl-source.sh: unknown option $1" >&2; exit 1 ;;
  esac
done

die() { echo "fetch-wolfssl-source.sh: $*" >&2; exit 1; }

# The version to fetch: the host's libwolfssl-dev (the Linux device links it), so the
# board and the Linux device run the same wolfSSL.
VERSION=$(dpkg-query -W -f='${Version}' libwolfssl-dev 2>/dev/null) ||
  die "libwolfssl-dev is not installed (scripts/install-deps.sh)"
UPSTREAM=${VERSION%%-*}
UPSTREAM=${UPSTREAM#*:}
TREE=$CACHE/wolfssl-$VERSION/wolfssl-$UPSTREAM
STAMP=$CACHE/wolfssl-$VERSION/.complete

if [ -f "$STAMP" ] && [ -f "$TREE/wolfssl/ssl.h" ]; then
  echo "$TREE"
  exit 0
fi
command -v dpkg-source >/dev/null || die "dpkg-source not found (install dpkg-dev)"

# Private apt directory: deb-src twins of the system's deb entries, own lists and cache.
APT=$CACHE/apt
mkdir -p "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache/archives/partial"
rm -f "$APT/sources.list.d/"*
n=0
shopt -s nullglob
for f in /etc/apt/sources.list.d/*.sources; do
  # deb822: every stanza whose Types has "deb" becomes a "deb-src" stanza.
  awk 'BEGIN{RS=""; ORS="\n\n"}
       /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ {
         gsub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' \
    "$f" >"$APT/sources.list.d/src-$(basename "$f")"
  [ -s "$APT/sources.list.d/src-$(basename "$f")" ] && n=$((n + 1))
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  # one-line format: "deb [opts] uri suite comps" -> "deb-src ...".
  sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >"$APT/sources.list.d/src-$(basename "$f").list"
  [ -s "$APT/sources.list.d/src-$(basename "$f").list" ] && n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no deb entries in /etc/apt/sources.list{,.d}: cannot derive deb-src"

apt_private=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APT/sources.list.d"
             -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
             -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root")
apt-get "${apt_private[@]}" -qq update || die "apt-get update (private deb-src lists) failed"

WORK=$CACHE/wolfssl-$VERSION
rm -rf "$WORK"
mkdir -p "$WORK"
(cd "$WORK" && apt-get "${apt_private[@]}" -qq source "wolfssl=$VERSION" >/dev/null) ||
  die "apt-get source wolfssl=$VERSION failed"
[ -f "$TREE/wolfssl/ssl.h" ] || die "unexpected source layout: $TREE/wolfssl/ssl.h missing"
touch "$STAMP"
echo "$TREE"
