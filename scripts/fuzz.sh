#!/usr/bin/env bash
# fuzz.sh - runs Latchkey's libFuzzer harnesses (tests/fuzz) for longer than CI does.
# usage: scripts/fuzz.sh [SECONDS] [HARNESS...]
#   SECONDS   per harness (default 300); HARNESS e.g. mqtt_codec (default: all of them)
#   env LATCHKEY_FUZZ_RUNS=N   also stop a harness after N executions
#   env LATCHKEY_FUZZ_JOBS=N   libFuzzer -fork=N workers per harness (default 1: no fork)
# Builds (clang, -fsanitize=fuzzer,address,undefined) in build-fuzz/ (or
# $LATCHKEY_FUZZ_BUILD_DIR), keeps the grown corpus in build-fuzz/tests/fuzz/work/<name>/
# between runs, writes crashing inputs next to it (artifacts/) and one log per harness.
# Prints one summary line per harness (executions, cov, ft, crashes); exits 1 if any crashed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${1:-300}
shift || true
JOBS=${LATCHKEY_FUZZ_JOBS:-1}

case "$SECONDS_EACH" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a number" >&2; exit 2 ;; esac

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang cmake -S "$ROOT" -B "$BUILD" -DLATCHKEY_FUZZ=ON \
    -DLATCHKEY_PARTS="common;firmware;gateway;certs-tool" >/dev/null
fi

FUZZ_DIR="$BUILD/tests/fuzz"
if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for d in "$ROOT"/tests/fuzz/corpus/*/; do names+=("$(basename "$d")"); done
fi
targets=()
for n in "${names[@]}"; do targets+=("fuzz_$n"); done
cmake --build "$BUILD" -j2 --target "${targets[@]}" >/dev/null

failed=0
for n in "${names[@]}"; do
  bin="$FUZZ_DIR/fuzz_$n"
  [ -x "$bin" ] || { echo "fuzz.sh: no harness fuzz_$n" >&2; exit 2; }
  work="$FUZZ_DIR/work/$n"
  mkdir -p "$work/corpus" "$work/artifacts"
  log="$work/fuzz.log"
  args=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3
        -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  [ -z "${LATCHKEY_FUZZ_RUNS:-}" ] || args+=(-runs="$LATCHKEY_FUZZ_RUNS")
  [ "$JOBS" -le 1 ] || args+=(-fork="$JOBS" -ignore_crashes=1)
  before=$(ls "$work/artifacts" | wc -l)
  set +e
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$bin" "${args[@]}" \
    "$work/corpus" "$ROOT/tests/fuzz/corpus/$n" >"$log" 2>&1
  rc=$?
  set -e
  after=$(ls "$work/artifacts" | wc -l)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-14s rc=%d execs=%s cov=%s ft=%s new_crashes=%d log=%s\n' "$n" "$rc" "${runs:-?}" \
    "${cov:-?}" "${ft:-?}" $(( after - before )) "$log"
  [ "$rc" -eq 0 ] && [ "$after" -eq "$before" ] || failed=1
done
exit "$failed"
