#!/usr/bin/env bash
# test.sh - installs what is missing (Debian packages), runs the static-analysis gate,
# builds Latchkey from scratch and runs every test with ctest, then the same suite under
# ASan+UBSan and a short libFuzzer run of every harness (three stages after the gate).
# This is the README's test command and what CI runs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_BUILD_DIR:-$ROOT/build}

stage() { printf '\n== test.sh: %s (%s)\n' "$1" "$(date +%H:%M:%S)"; STAGE_START=$SECONDS; }
stage_done() { printf '== test.sh: %s done in %ds\n' "$1" $(( SECONDS - STAGE_START )); }

bash "$ROOT/scripts/install-deps.sh"

# Static analysis first (needs no build, fails fast): cppcheck, clang-tidy, shellcheck,
# clang-format on new lines, suppressions with reasons. LATCHKEY_SKIP_STATIC=1 skips it.
if [ -z "${LATCHKEY_SKIP_STATIC:-}" ]; then
  stage "static analysis"
  LATCHKEY_STATIC_BUILD_DIR=${LATCHKEY_STATIC_BUILD_DIR:-$BUILD-static} \
    bash "$ROOT/scripts/static-analysis.sh"
  stage_done "static analysis"
fi

stage "1/3 build and test (gcc)"
cmake -S "$ROOT" -B "$BUILD"
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure --no-tests=error -j2
stage_done "1/3 build and test"

# Stage 2: the same suite under ASan+UBSan (docs/security.md). LATCHKEY_SKIP_SANITIZE=1 skips it.
if [ -z "${LATCHKEY_SKIP_SANITIZE:-}" ]; then
  stage "2/3 ASan+UBSan build and test"
  LATCHKEY_ASAN_BUILD_DIR=${LATCHKEY_ASAN_BUILD_DIR:-$BUILD-asan} bash "$ROOT/scripts/sanitize.sh"
  stage_done "2/3 ASan+UBSan"
fi

# Stage 3: libFuzzer smoke runs (clang), LATCHKEY_FUZZ_SECONDS each (default 15).
# LATCHKEY_SKIP_FUZZ=1 skips it; scripts/fuzz.sh runs the harnesses for longer.
if [ -z "${LATCHKEY_SKIP_FUZZ:-}" ]; then
  stage "3/3 fuzz smoke (clang libFuzzer)"
  FUZZ_BUILD=${LATCHKEY_FUZZ_BUILD_DIR:-$BUILD-fuzz}
  CC=clang cmake -S "$ROOT" -B "$FUZZ_BUILD" -DLATCHKEY_FUZZ=ON \
    -DLATCHKEY_PARTS="common;firmware;gateway;certs-tool" \
    -DLATCHKEY_FUZZ_SECONDS="${LATCHKEY_FUZZ_SECONDS:-15}"
  cmake --build "$FUZZ_BUILD" --target fuzzers -j"$(nproc)"
  ctest --test-dir "$FUZZ_BUILD" -L fuzz --output-on-failure --no-tests=error -j2
  stage_done "3/3 fuzz smoke"
fi
