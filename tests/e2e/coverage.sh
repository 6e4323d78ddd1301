#!/usr/bin/env bash
# `cpe test --coverage` and `--mutate`: a policy whose tests leave one
# threshold side untested (tests/e2e/coverage/knee.cpl: `bmi <= 35` never
# above 35) is reported with the comparison's place and the side missing,
# and the mutants that move the threshold to 36 or drop it survive (golden
# texts); adding the missing test makes coverage 100% and kills both;
# --min-coverage fails below its figure and passes at it; --format json
# carries the same figures; --format html is one self-contained page with
# them, where demo.knee's section lists the untested edge and the surviving
# mutants with their places and tests/e2e/test_report/knee_full.cpl's (every
# edge tested) lists none; html without --coverage/--mutate, --out without
# html and an unknown format are refused.
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
# --format html: the page on stdout, the words (and the last line) on stderr.
"$CPE" test tests/e2e/coverage tests/e2e/test_report --coverage --format html >"$tmp/report.html" 2>"$tmp/report.err" \
  || fail "html run exited $?: $(cat "$tmp/report.err")"
head -c 15 "$tmp/report.html" | grep -qix '<!doctype html>' || fail "the page does not start with <!doctype html>: $(head -c 200 "$tmp/report.html")"
[ "$(tail -n 1 "$tmp/report.err")" = "13 passed, 0 failed" ] || fail "stderr does not end with the count: $(cat "$tmp/report.err")"
grep -qF "13 passed, 0 failed" "$tmp/report.html" && fail "the count is in the page"
grep -qiE '<script|<link|src=|https?://' "$tmp/report.html" && fail "the page loads something: $(grep -oiE '<script[^>]*>|<link[^>]*>|src=[^ ]*|https?://[^ "]*' "$tmp/report.html" | head -3)"
grep -qF 'Mutation testing' "$tmp/report.html" && fail "--coverage alone reports mutation testing"
grep -qF 'mutants caught' "$tmp/report.html" && fail "--coverage alone counts mutants"
# One policy's section: from its heading to the next.
section() { awk -v id="id=\"tests-$1\"" 'index($0, "<h2 ") { on = index($0, id) > 0 } on' "$2"; }
section demo-knee "$tmp/report.html" >"$tmp/knee.html"
section demo-knee_full "$tmp/report.html" >"$tmp/full.html"
[ -s "$tmp/knee.html" ] && [ -s "$tmp/full.html" ] || fail "no section for demo.knee or demo.knee_full"
for want in '<strong>Untested</strong>' '<li><code class="code">tests/e2e/coverage/knee.cpl:15:44</code>: <code class="code">bmi &lt;= 35 [kg/m2]</code>: none above 35 [kg/m2]</li>' \
  'criterion bmi_ok: never false in a test' '15 of 17 (88.2%)'; do
  grep -qF -- "$want" "$tmp/knee.html" || fail "demo.knee's section lacks $want"
done
grep -qF 'Nothing untested' "$tmp/full.html" || fail "demo.knee_full's section does not say nothing is untested"
grep -qE 'Untested|none above|never false' "$tmp/full.html" && fail "demo.knee_full's section lists a gap: $(grep -E 'Untested|none above|never false' "$tmp/full.html")"
grep -qF '17 of 17 (100.0%)' "$tmp/full.html" || fail "demo.knee_full is not 17 of 17"
# --mutate, and both, to a file with --out: the text report on stdout as without html.
"$CPE" test tests/e2e/coverage --mutate --coverage --format html --out "$tmp/both.html" >"$tmp/both.out" 2>&1 \
  || fail "html --out run exited $?: $(cat "$tmp/both.out")"
grep -qF "HTML report: $tmp/both.html" "$tmp/both.out" || fail "--out does not name the file: $(cat "$tmp/both.out")"
[ "$(tail -n 1 "$tmp/both.out")" = "6 passed, 0 failed" ] || fail "stdout does not end with the count"
grep -qF '15 of 17 (88.2%)' "$tmp/both.out" || fail "--out: no text report on stdout"
for want in '<td><code class="code">tests/e2e/coverage/knee.cpl:15:44</code></td><td class="nowrap"><code class="code">bmi &lt;= 35 [kg/m2]</code></td><td class="nowrap">35 → 36</td>' \
  '<strong>4 mutants survived</strong>' 'route ifr → none' '6 tests, all pass · coverage 88.2% · 12 of 16 mutants caught' 'Coverage of version 1'; do
  grep -qF -- "$want" "$tmp/both.html" || fail "the page of --coverage --mutate lacks $want"
done
"$CPE" test tests/e2e/coverage --format html >"$tmp/o" 2>"$tmp/e"
rc=$?
[ "$rc" = 2 ] && grep -qF 'error: --format html is the report of --coverage and --mutate: add one or both' "$tmp/e" \
  || fail "--format html alone: exit $rc, $(cat "$tmp/e")"
"$CPE" test tests/e2e/coverage --coverage --out "$tmp/x.html" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ "$rc" = 2 ] && grep -qF 'error: --out is where --format html writes its page; add --format html' "$tmp/e" && [ ! -e "$tmp/x.html" ] \
  || fail "--out without html: exit $rc, $(cat "$tmp/e")"
"$CPE" test tests/e2e/coverage --coverage --format xml >"$tmp/o" 2>"$tmp/e"
rc=$?
[ "$rc" = 2 ] && grep -qF -- '--format: xml not in {text,json,html}' "$tmp/e" || fail "--format xml: exit $rc, $(cat "$tmp/e")"
"$CPE" test tests/e2e/coverage --coverage --format html --out /nonexistent/dir/r.html >"$tmp/o" 2>"$tmp/e"
rc=$?
[ "$rc" = 2 ] && grep -qF 'error: /nonexistent/dir/r.html: cannot write this file' "$tmp/e" || fail "unwritable --out: exit $rc, $(cat "$tmp/e")"

# The library's own tests kill every mutant of policies/ (a new threshold
# without its tests shows up here).
"$CPE" test policies --mutate >"$tmp/lib.txt" 2>&1 || fail "cpe test policies --mutate exited $?"
grep -q "survived:" "$tmp/lib.txt" && fail "mutants of policies/ survive its tests: $(grep survived: "$tmp/lib.txt")"
echo "ok: coverage and mutation find the untested side, and not once it is tested; --min-coverage, json and html agree"
