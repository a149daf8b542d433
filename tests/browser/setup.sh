# setup.sh - what every browser test needs first (sourced by run.sh and two_cas.sh after
# testlib.sh, with ROOT set): Debian's Chromium, and playwright-core and axe-core from the
# npm registry, pinned by package-lock.json (never a browser download). Sets HERE
# (tests/browser).
# shellcheck shell=bash
[ -x /usr/bin/chromium ] || lk_fail "chromium is not installed (scripts/install-deps.sh installs it)"
HERE="$ROOT/tests/browser"
if [ ! -d "$HERE/node_modules/playwright-core" ] || [ ! -f "$HERE/node_modules/axe-core/axe.min.js" ]; then
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null) \
    || lk_fail "npm ci failed in tests/browser"
fi
