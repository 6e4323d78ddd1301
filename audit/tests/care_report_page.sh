#!/bin/sh
# ctest care_report_page: generated care records -> cpe audit --care -> the
# report rendered in headless Chromium and checked (care_report_page.js), once
# with small-number suppression on (the hand-worked file: counts of 1 to 5
# must show as *) and once on a year of generated records.
# Usage: care_report_page.sh SOURCE_DIR BUILD_DIR
set -eu
src=$1 build=$2
if ! command -v node >/dev/null 2>&1; then echo "node is missing: run make setup-test" >&2; exit 1; fi
if [ ! -d "$src/tests/node/node_modules/playwright-core" ]; then
  echo "tests/node/node_modules is missing: run make setup-test" >&2; exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/cpe-care-page-XXXXXX")
[ -n "${CPE_KEEP_TEST_OUTPUT:-}" ] || trap 'rm -rf "$work"' EXIT
"$build/cpe-gen-care" --records 5000 --seed 3 --out "$work/records.ndjson"
"$build/cpe" audit --policies "$src/policies" --care "$work/records.ndjson" --benchmark conversion=0.2 --out "$work/big" >/dev/null 2>&1
"$build/cpe" audit --policies "$src/policies" --care "$src/audit/tests/data/care/care_small.ndjson" --out "$work/small" >/dev/null
export NODE_PATH="$src/tests/node/node_modules"
node "$src/audit/tests/care_report_page.js" "$work/big/report.html" "$work/big.png"
node "$src/audit/tests/care_report_page.js" "$work/small/report.html" "$work/small.png" --expect-suppressed
[ -z "${CPE_KEEP_TEST_OUTPUT:-}" ] || echo "kept $work"
