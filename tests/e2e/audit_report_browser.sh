#!/usr/bin/env bash
# report.html's sortable, filterable tables in headless Chromium, driven by
# playwright-core (tests/node, installed by `make setup-test`). Fails, never
# skips, when the tools are missing. CPE_KEEP_TEST_OUTPUT=1 keeps the folder
# with the screenshot (report.png).
set -euo pipefail
CPE=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/e2e/browser_tools.sh"
require_browser_tools
WORK=$(mktemp -d)
[ -n "${CPE_KEEP_TEST_OUTPUT:-}" ] || trap 'rm -rf "$WORK"' EXIT
DATA=$SRC/audit/tests/data
"$CPE" audit --policies "$DATA/policies" --activity "$DATA/activity_small.csv" --names "$DATA/names_small.csv" \
  --out "$WORK/out" --no-progress --no-suppress > /dev/null
node "$SRC/tests/e2e/audit_report_browser.js" "$WORK/out/report.html" "$WORK/report.png"
[ -z "${CPE_KEEP_TEST_OUTPUT:-}" ] || echo "screenshot: $WORK/report.png"
