#!/usr/bin/env bash
# The triage page in a real Chromium (Debian's) against a real `cpe serve`,
# driven by playwright-core, with an axe-core scan of each screen
# (tests/e2e/triage_page.js says what each run shows). Run twice: without a
# token, and with --token-file (the page asks for it once).
# Usage: triage_page.sh CPE [SCREENSHOT_DIR]
set -uo pipefail
CPE=$1
SHOTS=${2:-}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/e2e/browser_tools.sh"
require_browser_tools pdftotext
tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

start() {  # start NAME ARGS...: serves the library, sets $port
  local name=$1; shift
  "$CPE" serve --policies "$SRC/policies" --port 0 --db "$tmp/$name.db" --access-log off "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/$name.out")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "FAIL: cpe serve did not start"; cat "$tmp/$name.err"; exit 1
}

status=0
start open
node "$SRC/tests/e2e/triage_page.js" "http://127.0.0.1:$port" "" "$tmp" "$SHOTS" || status=1
printf 'a-token-for-the-test\n' >"$tmp/token"
start guarded --token-file "$tmp/token"
node "$SRC/tests/e2e/triage_page.js" "http://127.0.0.1:$port" "a-token-for-the-test" "$tmp" "" || status=1
# The same page as one file for another server, which lets it ask (CORS).
"$CPE" page --out "$tmp/triage.html" --server http://127.0.0.1:9/ >/dev/null \
  && grep -q 'var CPE_SERVER = "http://127.0.0.1:9";' "$tmp/triage.html" || { echo "FAIL: cpe page"; status=1; }
start cors --allow-origin null
pre=$(curl -s -i -X OPTIONS -H 'Origin: null' -H 'Access-Control-Request-Method: POST' "http://127.0.0.1:$port/v1/decisions")
grep -qi '^access-control-allow-origin: null' <<<"$pre" && grep -qi '^access-control-allow-headers: Authorization, Content-Type' <<<"$pre" \
  || { echo "FAIL: preflight: $pre"; status=1; }
got=$(curl -s -i -H 'Origin: null' "http://127.0.0.1:$port/v1/policies")
grep -qi '^access-control-allow-origin: null' <<<"$got" || { echo "FAIL: CORS header: $got"; status=1; }
[ $status -eq 0 ] && echo "triage page: ok"
exit $status
