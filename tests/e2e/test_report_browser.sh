#!/usr/bin/env bash
# The report of `cpe test --coverage --mutate --format html --out FILE` in
# Debian's Chromium, driven by playwright-core and scanned by axe-core, on a
# library of two policies: tests/e2e/coverage/knee.cpl (one threshold side
# untested on purpose) and tests/e2e/test_report/knee_full.cpl (every edge
# tested); tests/e2e/test_report_browser.js says what it checks.
# Fails, naming `make setup-test`, when the tools are missing.
# Usage: test_report_browser.sh CPE [SCREENSHOT_DIR]   (docs/ keeps the screenshot)
set -uo pipefail
CPE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SHOTS=${2:-}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/e2e/browser_tools.sh"
require_browser_tools
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$SRC" && "$CPE" test tests/e2e/coverage tests/e2e/test_report --coverage --mutate --format html --out "$tmp/report.html" \
  >"$tmp/test.out" 2>&1) || { echo "FAIL: cpe test --format html: $(cat "$tmp/test.out")"; exit 1; }
node "$SRC/tests/e2e/test_report_browser.js" "$tmp/report.html" "$tmp" "$SHOTS"
