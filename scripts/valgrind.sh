#!/usr/bin/env bash
# valgrind.sh - runs the integration spine (tests/integration/spine.sh: phone -> gateway ->
# broker -> device) with latchkey-gateway and latchkey-device under valgrind memcheck
# (--leak-check=full, definite leaks count as errors) and reports what it found.
# usage: scripts/valgrind.sh      (builds a plain RelWithDebInfo tree in build-valgrind/,
#                                  or $LATCHKEY_VALGRIND_BUILD_DIR; takes a few minutes)
# Exit 0 only if the spine passed and every valgrind log shows 0 errors and no definite
# leak. Logs are kept in the build directory (valgrind-logs/). Not part of CI (slow).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_VALGRIND_BUILD_DIR:-$ROOT/build-valgrind}
LOGS="$BUILD/valgrind-logs"
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed (scripts/install-deps.sh)" >&2; exit 1; }

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target latchkey-gateway latchkey-device latchkey-certs >/dev/null

rm -rf "$LOGS"
mkdir -p "$LOGS"
start=$SECONDS
rc=0
# %p: one log per process (make-site.sh's own runs of the programs are not wrapped).
LK_WRAP="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --track-fds=no --log-file=$LOGS/%p.log" \
  LK_SLOW=${LK_SLOW:-4} bash "$ROOT/tests/integration/spine.sh" "$ROOT" "$BUILD" || rc=$?
echo "valgrind.sh: spine finished with status $rc in $(( SECONDS - start ))s"

# Each log must end with valgrind's summary: 0 errors (definite leaks count as errors
# here) and 0 bytes definitely lost. A log without the summary means the process was
# killed before valgrind could finish: that is a failure too.
n=0
for f in "$LOGS"/*.log; do
  [ -e "$f" ] || { echo "valgrind.sh: no valgrind logs were written" >&2; rc=1; break; }
  n=$(( n + 1 ))
  cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$f" | head -n1 || true)
  summary=$(grep -E "ERROR SUMMARY:" "$f" | tail -n1 | sed 's/^==[0-9]*== //' || true)
  lost=$(grep -E "definitely lost:" "$f" | tail -n1 | sed 's/^==[0-9]*== *//' || true)
  echo "valgrind.sh: ${cmd:-?}: ${summary:-no summary (killed?)}; ${lost:-definitely lost: 0 bytes (all heap blocks freed)}"
  if ! grep -q "ERROR SUMMARY: 0 errors" "$f" || grep -qE "definitely lost: [1-9]" "$f"; then
    echo "===== $f" >&2
    grep -vE "^==[0-9]+== *$" "$f" | head -n 120 >&2
    rc=1
  fi
done
[ "$rc" -eq 0 ] && echo "valgrind.sh: clean (no memcheck errors, no definite leaks in $n processes)"
exit "$rc"
