#!/usr/bin/env bash
# `cpe test --coverage`: a policy whose tests leave one threshold side
# untested (tests/e2e/coverage/knee.cpl: `bmi <= 35` never above 35) is
# reported with the comparison's place and the side missing (golden text);
# adding the missing test makes it 100%; --min-coverage fails below its
# figure and passes at it; --format json carries the same figures.
# Usage: coverage.sh CPE
set -uo pipefail
CPE=$1
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$CPE" test tests/e2e/coverage --coverage >"$tmp/out.txt" 2>&1 || fail "cpe test --coverage exited $?: $(cat "$tmp/out.txt")"
diff -u tests/e2e/coverage/expected.txt "$tmp/out.txt" || fail "coverage text differs from tests/e2e/coverage/expected.txt"

# The missing test, added: every edge pinned.
cp tests/e2e/coverage/knee.cpl "$tmp/knee.cpl"
cat >>"$tmp/knee.cpl" <<'CPL'
test "BMI just above 35" for demo.knee like "meets every criterion" {
    given bmi = 35.1
    expect not_eligible
}
CPL
"$CPE" test "$tmp/knee.cpl" --coverage >"$tmp/full.txt" 2>&1 || fail "full coverage run exited $?"
grep -qF "demo.knee 1: 17 of 17 (100.0%), 7 tests" "$tmp/full.txt" || fail "with the test added: $(cat "$tmp/full.txt")"
grep -qF "none above" "$tmp/full.txt" && fail "a gap is still reported: $(cat "$tmp/full.txt")"

"$CPE" test tests/e2e/coverage --min-coverage 90 >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || fail "--min-coverage 90 at 88.2% exited $rc, want 1"
grep -qF "error: coverage 88.2% is below --min-coverage 90" "$tmp/err" || fail "--min-coverage said: $(cat "$tmp/err")"
"$CPE" test tests/e2e/coverage --min-coverage 88 >/dev/null 2>&1 || fail "--min-coverage 88 at 88.2% failed"

"$CPE" test tests/e2e/coverage --coverage --format json >"$tmp/out.json" || fail "json run exited $?"
for want in '"covered": 15' '"total": 17' '"comparison": "bmi <= 35 [kg/m2]"' '"above": false' \
  '"value": "6 months"' '"longer_ago": true' '"gaps": ['; do
  grep -qF -- "$want" "$tmp/out.json" || fail "json lacks $want"
done
echo "ok: coverage finds the untested side, 100% once tested, --min-coverage and json agree"
