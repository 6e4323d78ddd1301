#!/usr/bin/env bash
# report.html's sortable, filterable tables in headless Chromium, driven by
# playwright-core (tests/node, installed by `make setup-test`). Fails, never
# skips, when the tools are missing. CPE_KEEP_TEST_OUTPUT=1 keeps the folder
# with the screenshot (report.png).
set -euo pipefail
CPE=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export NODE_PATH=$SRC/tests/node/node_modules
if ! command -v node >/dev/null || [ ! -d "$NODE_PATH/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
  echo "FAIL: node, tests/node/node_modules/playwright-core or /usr/bin/chromium is missing: run make setup-test"
  exit 1
fi
WORK=$(mktemp -d)
[ -n "${CPE_KEEP_TEST_OUTPUT:-}" ] || trap 'rm -rf "$WORK"' EXIT
DATA=$SRC/audit/tests/data
"$CPE" audit --policies "$DATA/policies" --activity "$DATA/activity_small.csv" --names "$DATA/names_small.csv" \
  --out "$WORK/out" --no-progress --no-suppress > /dev/null
node "$SRC/tests/e2e/audit_report_browser.js" "$WORK/out/report.html" "$WORK/report.png"
[ -z "${CPE_KEEP_TEST_OUTPUT:-}" ] || echo "screenshot: $WORK/report.png"
