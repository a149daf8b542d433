#!/usr/bin/env bash
# flake-hunt.sh - runs the ctest suite N times to find tests that fail only now and then.
# Builds once per stage, then runs the stage's whole ctest suite N times (optionally while
# stress-ng loads the machine), keeps every run's log and prints, per test, how many of the
# N runs it failed, plus a total. Exits 1 if any run failed.
# usage: scripts/flake-hunt.sh N [--stress] [--stage gcc|asan|fuzz|all] [-- CTEST_ARGS...]
#   --stress        `stress-ng --cpu 2 --io 1` runs in the background for the whole hunt
#   --stage STAGE   gcc (default): the normal build, as stage 1 of scripts/test.sh;
#                   asan: the ASan+UBSan suite (scripts/sanitize.sh, reports count as a failure);
#                   fuzz: the libFuzzer smoke runs (stage 3); all: the three, in turn, per run
#   CTEST_ARGS      passed to every ctest run, e.g. -- -R faults_ to hunt a few tests only
# env: LATCHKEY_BUILD_DIR / LATCHKEY_ASAN_BUILD_DIR / LATCHKEY_FUZZ_BUILD_DIR as for
#      scripts/test.sh; LATCHKEY_FLAKE_DIR the results folder (default
#      BUILD/flake-hunt/<date-time>): run-NNN-STAGE.log (ctest --output-on-failure),
#      run-NNN-STAGE-LastTest.log (ctest's full log of that run) and summary.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_BUILD_DIR:-$ROOT/build}
ASAN_BUILD=${LATCHKEY_ASAN_BUILD_DIR:-$BUILD-asan}
FUZZ_BUILD=${LATCHKEY_FUZZ_BUILD_DIR:-$BUILD-fuzz}

usage() { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
RUNS=$1; shift
case "$RUNS" in ''|*[!0-9]*|0) usage ;; esac
STRESS=0 STAGE=gcc CTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stress) STRESS=1; shift ;;
    --stage) [ $# -ge 2 ] || usage; STAGE=$2; shift 2 ;;
    --) shift; CTEST_ARGS=("$@"); break ;;
    *) usage ;;
  esac
done
case "$STAGE" in
  gcc|asan|fuzz) STAGES=("$STAGE") ;;
  all) STAGES=(gcc asan fuzz) ;;
  *) usage ;;
esac

OUT=${LATCHKEY_FLAKE_DIR:-$BUILD/flake-hunt/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

# ---- the background load, stopped by its PID on every way out (Ctrl-C included) ----
STRESS_PID=""
stop_stress() {
  [ -n "$STRESS_PID" ] || return 0
  # stress-ng stops its own workers on TERM; it is signalled while it is still our child
  # (if it had died and been reaped, its PID could be someone else's by now)
  local running
  running=" $(jobs -pr | tr '\n' ' ') "
  [[ "$running" != *" $STRESS_PID "* ]] || kill -TERM "$STRESS_PID" 2>/dev/null || true
  wait "$STRESS_PID" 2>/dev/null || true
  STRESS_PID=""
}
trap stop_stress EXIT
trap 'exit 130' INT TERM
if [ "$STRESS" -eq 1 ]; then
  command -v stress-ng >/dev/null || { echo "flake-hunt: stress-ng is missing (scripts/install-deps.sh --test)" >&2; exit 1; }
fi

# ---- build each stage once ----
build_stage() {
  case "$1" in
    gcc)
      cmake -S "$ROOT" -B "$BUILD" >/dev/null
      cmake --build "$BUILD" -j"$(nproc)" >/dev/null ;;
    asan) # scripts/sanitize.sh builds again before every run: a no-op after this one
      cmake -S "$ROOT" -B "$ASAN_BUILD" -DLATCHKEY_SANITIZE=ON >/dev/null
      cmake --build "$ASAN_BUILD" -j"$(nproc)" >/dev/null ;;
    fuzz)
      CC=clang cmake -S "$ROOT" -B "$FUZZ_BUILD" -DLATCHKEY_FUZZ=ON \
        -DLATCHKEY_PARTS="common;firmware;gateway;certs-tool" \
        -DLATCHKEY_FUZZ_SECONDS="${LATCHKEY_FUZZ_SECONDS:-15}" >/dev/null
      cmake --build "$FUZZ_BUILD" --target fuzzers -j"$(nproc)" >/dev/null ;;
  esac
}
for s in "${STAGES[@]}"; do
  echo "flake-hunt: building the $s stage"
  build_stage "$s"
done

# run_stage STAGE LOG: one full ctest run of STAGE, output to LOG; returns ctest's status.
run_stage() {
  local rc=0 dir
  case "$1" in
    gcc) ctest --test-dir "$BUILD" --output-on-failure --no-tests=error -j2 "${CTEST_ARGS[@]}" ;;
    asan) LATCHKEY_ASAN_BUILD_DIR=$ASAN_BUILD bash "$ROOT/scripts/sanitize.sh" "${CTEST_ARGS[@]}" ;;
    fuzz) ctest --test-dir "$FUZZ_BUILD" -L fuzz --output-on-failure --no-tests=error -j2 "${CTEST_ARGS[@]}" ;;
  esac >"$2" 2>&1 || rc=$?
  case "$1" in gcc) dir=$BUILD ;; asan) dir=$ASAN_BUILD ;; fuzz) dir=$FUZZ_BUILD ;; esac
  cp "$dir/Testing/Temporary/LastTest.log" "${2%.log}-LastTest.log" 2>/dev/null || true
  return "$rc"
}

# failed_tests LOG: the names of the tests ctest listed as failed in LOG, one a line; a run
# that failed without a failed test (a build error, sanitizer reports) prints a marker.
failed_tests() {
  local names
  names=$(sed -n 's/^[[:space:]]*[0-9]\{1,\} - \([^ ]*\) (.*)$/\1/p' "$1")
  if grep -q '^sanitize.sh: sanitizer reports were written' "$1"; then
    names+=$'\n(sanitizer reports)'
  fi
  [ -n "$names" ] || names="(run failed, no test named: see the log)"
  printf '%s\n' "$names" | sed '/^$/d'
}

# ---- the runs ----
if [ "$STRESS" -eq 1 ]; then
  stress-ng --cpu 2 --io 1 --quiet >"$OUT/stress-ng.log" 2>&1 &
  STRESS_PID=$!
  echo "flake-hunt: stress-ng --cpu 2 --io 1 running (PID $STRESS_PID)"
fi
declare -A FAILS=()
failed_runs=0 total=0 finished=0
# Ctrl-C: the terminal interrupts ctest and its tests too; the runs finished so far are
# summed up, stress-ng is stopped (EXIT trap).
trap 'echo "flake-hunt: interrupted"; summary "$finished" | tee "$OUT/summary.txt"; exit 130' INT TERM
for run in $(seq 1 "$RUNS"); do
  for s in "${STAGES[@]}"; do
    log=$(printf '%s/run-%03d-%s.log' "$OUT" "$run" "$s")
    start=$SECONDS
    total=$((total + 1))
    if run_stage "$s" "$log"; then
      echo "flake-hunt: run $run/$RUNS $s: passed in $((SECONDS - start))s"
      continue
    fi
    failed_runs=$((failed_runs + 1))
    names=$(failed_tests "$log")
    echo "flake-hunt: run $run/$RUNS $s: FAILED in $((SECONDS - start))s: $(tr '\n' ' ' <<<"$names")(log: $log)"
    while IFS= read -r t; do
      FAILS["$s $t"]=$(( ${FAILS["$s $t"]:-0} + 1 ))
    done <<<"$names"
  done
  finished=$run
done
stop_stress

# ---- the summary (also of the runs done so far when interrupted) ----
summary() {
  local done_runs=$1
  echo "flake-hunt: $done_runs of $RUNS run(s) of stage(s) ${STAGES[*]}$([ "$STRESS" -eq 0 ] || echo ' under stress-ng --cpu 2 --io 1')${CTEST_ARGS[*]:+ (ctest ${CTEST_ARGS[*]})}"
  if [ "${#FAILS[@]}" -eq 0 ]; then
    echo "  no test failed"
  else
    echo "  failures per test (stage test: failed runs of $done_runs):"
    for k in "${!FAILS[@]}"; do printf '    %-50s %d/%d\n' "$k" "${FAILS[$k]}" "$done_runs"; done | sort
  fi
  echo "  total: $failed_runs of $total stage runs failed; logs in $OUT"
}
summary "$RUNS" | tee "$OUT/summary.txt"
[ "$failed_runs" -eq 0 ]
