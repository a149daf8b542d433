#!/usr/bin/env bash
# man_pages.sh MANDIR GATEWAY DEVICE CERTS - every man page renders with man-db/groff and
# mandoc without a warning, and names every long option the matching binary's --help
# (for latchkey-certs: every verb's help) prints.
set -uo pipefail
mandir=$1 gateway=$2 device=$3 certs=$4
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

for tool in man groff mandoc; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

pages=(latchkey-gateway.8 latchkey-gateway.conf.5 latchkey-device.8 latchkey-certs.1)
for p in "${pages[@]}"; do
  f=$mandir/$p
  [ -f "$f" ] || { bad "$p is missing"; continue; }
  # groff with every warning on: any output on stderr is a failure.
  err=$(groff -man -Tutf8 -ww -z "$f" 2>&1 >/dev/null)
  [ -z "$err" ] || bad "$p: groff: $err"
  # mandoc's linter, warnings and worse (style notes are not failures).
  err=$(mandoc -T lint -W warning "$f" 2>&1) || bad "$p: mandoc: $err"
  # man-db renders it (what users run), with NAME and SYNOPSIS sections.
  out=$(MANWIDTH=80 MAN_KEEP_FORMATTING=0 man -l "$f" 2>&1) || bad "$p: man -l failed"
  err=$(MANROFFOPT=-ww man -l "$f" 2>&1 >/dev/null)
  [ -z "$err" ] || bad "$p: man -l: $err"
  for s in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
    grep -q "^$s" <<<"$(col -b <<<"$out")" || bad "$p: no $s section"
  done
done

# Every --option of a binary's help appears in its man page (as \-\-option).
check_opts() { # page help-text
  local page=$1 text=$2 opt
  for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"$text" | sort -u); do
    grep -qF -- "\\-\\-${opt#--}" "$mandir/$page" || bad "$page does not mention $opt"
  done
}
check_opts latchkey-gateway.8 "$("$gateway" --help)"
check_opts latchkey-device.8 "$("$device" --help)"
help=$("$certs" --help)
for verb in $(sed -n 's/^  latchkey-certs -d DIR \([a-z-]*\).*/\1/p' <<<"$help"); do
  grep -qE "^\.(B|BR|BI) \"?$verb( |\"|\$)" "$mandir/latchkey-certs.1" || bad "latchkey-certs.1 has no verb $verb"
  help+=$'\n'$("$certs" help "$verb")
done
check_opts latchkey-certs.1 "$help"

# The version each page claims is the binaries' version.
ver=$("$certs" --version | awk '{print $2}')
for p in "${pages[@]}"; do
  grep -q "^\.TH .*\"Latchkey $ver\"" "$mandir/$p" || bad "$p: .TH does not say Latchkey $ver"
done
for b in "$gateway" "$device"; do
  [ "$("$b" --version | awk '{print $2}')" = "$ver" ] || bad "$b --version is not $ver"
done

[ $fail -eq 0 ] && echo "man pages: ${#pages[@]} pages OK"
exit $fail
