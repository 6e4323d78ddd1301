#!/usr/bin/env bash
# `cpe audit --cases --as-of D` decides the cases without their own as_of as
# of D (it used today): an IVF case whose AMH test was in March 2026 is
# eligible as of 2026-06-01 and not as of 2030-06-01, when the test is over
# 12 months old; a case's own as_of still wins; a bad date is refused (exit 2).
# Usage: audit_as_of.sh CPE
set -uo pipefail
CPE=$1
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# The first two lines of the batch as-of case, with a provider for the audit.
head -2 tests/e2e/batch/as_of_default.ndjson | sed 's/"policy":"fertility.ivf"/"policy":"fertility.ivf","provider":"RAJ"/' >"$tmp/cases.ndjson"

counts() {  # as-of -> "cases,eligible,not_eligible"
  rm -rf "$tmp/out"
  "$CPE" audit --cases "$tmp/cases.ndjson" --as-of "$1" --out "$tmp/out" >/dev/null 2>&1 || fail "audit --as-of $1 exited $?"
  awk -F, 'NR == 2 { print $3 "," $4 "," $5 }' "$tmp/out/compliance.csv"
}
# no-as-of follows --as-of; own-as-of (2026-06-01) is eligible either way.
[ "$(counts 2026-06-01)" = "2,2,0" ] || fail "as of 2026-06-01: $(counts 2026-06-01), want 2 cases, 2 eligible"
[ "$(counts 2030-06-01)" = "2,1,1" ] || fail "as of 2030-06-01: $(counts 2030-06-01), want 2 cases, 1 eligible, 1 not"
"$CPE" audit --cases "$tmp/cases.ndjson" --as-of 2030-02-30 --out "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "a bad --as-of exited $rc, want 2"
grep -qF -- "--as-of must be a date YYYY-MM-DD, got '2030-02-30'" "$tmp/err" || fail "a bad --as-of said: $(cat "$tmp/err")"
echo "ok: audit --cases follows --as-of for cases without their own"
