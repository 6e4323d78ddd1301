#!/usr/bin/env bash
# The consultation page (cpe diff --cases --html) and the published pages with
# their test evidence (cpe doc: index, a policy, tests.html) in Debian's
# Chromium, driven by playwright-core, each scanned by axe-core (WCAG 2.2 AA,
# colour contrast included); tests/e2e/published_pages.js says what it checks.
# Fails, naming `make setup-test`, when the tools are missing.
# Usage: published_pages.sh CPE [SCREENSHOT_DIR]   (docs/ keeps the screenshots)
set -uo pipefail
CPE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SHOTS=${2:-}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/e2e/browser_tools.sh"
require_browser_tools
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$SRC/tests/e2e/consultation" && "$CPE" diff old.cpl new.cpl --cases cases.ndjson --by area --html "$tmp/consultation.html" \
  >"$tmp/diff.out" 2>&1) || { echo "FAIL: cpe diff --html: $(cat "$tmp/diff.out")"; exit 1; }
(cd "$SRC" && "$CPE" doc policies --out "$tmp/doc" --as-of 2026-06-01 >"$tmp/doc.out" 2>&1) \
  || { echo "FAIL: cpe doc: $(cat "$tmp/doc.out")"; exit 1; }
node "$SRC/tests/e2e/published_pages.js" "$tmp/consultation.html" "$tmp/doc" "$tmp" "$SHOTS"
