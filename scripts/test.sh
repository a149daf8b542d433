#!/usr/bin/env bash
# test.sh - installs what is missing (Debian packages), builds Latchkey from scratch and
# runs every test with ctest. This is the README's test command and what CI runs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LATCHKEY_BUILD_DIR:-$ROOT/build}

bash "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD"
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure --no-tests=error -j2
