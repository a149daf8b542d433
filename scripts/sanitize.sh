#!/usr/bin/env bash
# sanitize.sh - builds Latchkey and its whole test suite with AddressSanitizer +
# UndefinedBehaviorSanitizer (gcc, -DLATCHKEY_SANITIZE=ON) in build-asan/ (or
# $LATCHKEY_ASAN_BUILD_DIR) and runs every test (extra arguments go to ctest, e.g. -L unit).
# Every instrumented process - unit tests and the real latchkey-* programs that the shell
# tests start - writes its sanitizer reports to build-asan/sanitizer-logs/, because the
# shell tests stop programs by signal and do not look at their exit status. The run fails
# if any test fails or any report was written (LeakSanitizer included; suppressions for
# third-party libraries only, with reasons: tests/sanitize/lsan.supp).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_ASAN_BUILD_DIR:-$ROOT/build-asan}
LOGS="$BUILD/sanitizer-logs"

cmake -S "$ROOT" -B "$BUILD" -DLATCHKEY_SANITIZE=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)"

rm -rf "$LOGS"
mkdir -p "$LOGS"
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:log_path=$LOGS/asan:log_exe_name=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$LOGS/ubsan:log_exe_name=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitize/lsan.supp:print_suppressions=0"

rc=0
ctest --test-dir "$BUILD" --output-on-failure --no-tests=error -j2 "$@" || rc=$?

reports=$(find "$LOGS" -type f | sort)
if [ -n "$reports" ]; then
  echo "sanitize.sh: sanitizer reports were written:" >&2
  for f in $reports; do
    echo "===== $(basename "$f")" >&2
    head -n 60 "$f" >&2
  done
  rc=1
fi
[ "$rc" -eq 0 ] && echo "sanitize.sh: all tests passed under ASan+UBSan, no sanitizer reports"
exit "$rc"
