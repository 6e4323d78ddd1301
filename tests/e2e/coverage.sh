#!/usr/bin/env bash
# `cpe test --coverage` and `--mutate`: a policy whose tests leave one
# threshold side untested (tests/e2e/coverage/knee.cpl: `bmi <= 35` never
# above 35) is reported with the comparison's place and the side missing,
# and the mutants that move the threshold to 36 or drop it survive (golden
# texts); adding the missing test makes coverage 100% and kills both;
# --min-coverage fails below its figure and passes at it; --format json
# carries the same figures.
# Usage: coverage.sh CPE
set -uo pipefail
CPE=$1
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$CPE" test tests/e2e/coverage --coverage >"$tmp/out.txt" 2>&1 || fail "cpe test --coverage exited $?: $(cat "$tmp/out.txt")"
diff -u tests/e2e/coverage/expected.txt "$tmp/out.txt" || fail "coverage text differs from tests/e2e/coverage/expected.txt"
"$CPE" test tests/e2e/coverage --mutate >"$tmp/mut.txt" 2>&1 || fail "cpe test --mutate exited $?: $(cat "$tmp/mut.txt")"
diff -u tests/e2e/coverage/expected_mutation.txt "$tmp/mut.txt" || fail "mutation text differs from tests/e2e/coverage/expected_mutation.txt"

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
"$CPE" test "$tmp/knee.cpl" --mutate >"$tmp/fullmut.txt" 2>&1 || fail "full mutation run exited $?"
grep -qF "demo.knee 1: 14 of 16 killed, 7 tests" "$tmp/fullmut.txt" || fail "with the test added: $(cat "$tmp/fullmut.txt")"
grep -qF "bmi <=" "$tmp/fullmut.txt" && fail "a BMI mutant still survives: $(cat "$tmp/fullmut.txt")"

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
"$CPE" test tests/e2e/coverage --mutate --format json >"$tmp/mut.json" || fail "mutation json exited $?"
for want in '"mutants": 16' '"killed": 12' '"change": "35 → 36"' '"change": "route ifr → none"'; do
  grep -qF -- "$want" "$tmp/mut.json" || fail "mutation json lacks $want"
done
# The library's own tests kill every mutant of policies/ (a new threshold
# without its tests shows up here).
"$CPE" test policies --mutate >"$tmp/lib.txt" 2>&1 || fail "cpe test policies --mutate exited $?"
grep -q "survived:" "$tmp/lib.txt" && fail "mutants of policies/ survive its tests: $(grep survived: "$tmp/lib.txt")"
echo "ok: coverage and mutation find the untested side, and not once it is tested; --min-coverage and json agree"
