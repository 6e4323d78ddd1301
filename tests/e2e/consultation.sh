#!/usr/bin/env bash
# The consultation page and the test evidence, as written files:
#  - `cpe diff old.cpl new.cpl --cases --by area --html` (tests/e2e/consultation/)
#    puts the rule changes in the published wording (the acuity threshold
#    0.3 → 0.18 logMAR, the new criterion and decision rule, the new fact) and
#    the impact on one page; the cases carrying `falls_last_year`, a fact only
#    the proposal declares, are decided under the old rules too (not refused);
#    the bar charts' ticks are whole, distinct numbers;
#  - `cpe doc` on tests/e2e/coverage writes tests.md equal to
#    tests/e2e/coverage/expected_tests.md (its untested BMI edge and the two
#    mutants that survive), tests.html, and links to them from every page;
#    --no-test-evidence leaves them out.
# Usage: consultation.sh CPE
set -uo pipefail
CPE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$SRC/tests/e2e/consultation
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }
has() { grep -qF -- "$2" "$1" || fail "'$2' is not in $(basename "$1")"; }
hasnt() { ! grep -qF -- "$2" "$1" || fail "'$2' is unexpectedly in $(basename "$1")"; }

# --- the consultation page -------------------------------------------------
(cd "$FIX" && "$CPE" diff old.cpl new.cpl --cases cases.ndjson --by area --html "$tmp/c.html" >"$tmp/c.txt" 2>"$tmp/c.err")
rc=$?
[ $rc = 0 ] || fail "cpe diff --cases exited $rc: $(cat "$tmp/c.err")"
# Every case is decided under both: the fact only new.cpl declares is ignored by old.cpl.
has "$tmp/c.txt" "19 cases decided under both"
has "$tmp/c.txt" "; 0 lines with errors;"
page=$tmp/c.html
has "$page" '<h2 id="rules">What changes in the rules</h2>'
has "$page" '<h2 id="impact">Whom it affects</h2>'
# The threshold, in the published wording, now and proposed.
has "$page" '<td>“Visual acuity worse than 0.18 logMAR”</td><td><code class="code">acuity_logmar</code> (Best corrected visual acuity of the better eye)</td><td>above 0.3 logMAR</td><td><strong>above 0.18 logMAR</strong></td>'
has "$page" 'Reworded: “Visual acuity worse than 0.3 logMAR” → “Visual acuity worse than 0.18 logMAR”'
has "$page" 'New criterion: “Two or more falls in the last year”'
has "$page" 'New decision rule: eligible, prior approval when any of (“Visual acuity worse than 0.18 logMAR”, “Disabling glare”, “Needs to drive, and acuity worse than 0.2 logMAR”, “Two or more falls in the last year”)'
has "$page" 'Decision: eligible, prior approval → <strong>eligible, no approval needed</strong>'
has "$page" 'Proposed: <strong>eligible, no approval needed when “The first eye has been operated on”</strong>'
has "$page" 'Newly asks for: Falls in the last 12 months (<code class="code">falls_last_year</code>)'
hasnt "$page" 'falls_last_year &gt;= 2'   # the public reads the criterion's words, not its code
# The impact, by group, from what to what.
has "$page" '<h3>By <code>area</code></h3>'
has "$page" '<td>eligible, prior approval</td><td><span class="swatch" style="background:#7b3fa0"></span>eligible, no approval needed</td>'
has "$page" '<td>not eligible, Individual Funding Request</td><td><span class="swatch" style="background:#2e7d32"></span>eligible, prior approval</td>'
# Honest axes: each chart's tick labels are distinct whole numbers from 0.
python3 - "$page" <<'PY' || status=1
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
charts = re.findall(r"<svg.*?</svg>", html, re.S)
if len(charts) < 2:
    print("FAIL: %d charts, want the overall one and one by area" % len(charts)); sys.exit(1)
for i, svg in enumerate(charts):
    ticks = re.findall(r'text-anchor="middle">([0-9,]+)</text>', svg)
    values = [int(t.replace(",", "")) for t in ticks]
    if values[:1] != [0] or len(set(values)) != len(values) or values != sorted(values) or len(values) < 2:
        print("FAIL: chart %d's axis reads %s" % (i, " ".join(ticks))); sys.exit(1)
PY
if grep -qE '<script|<link |src="http|href="http' "$page"; then fail "the consultation page is not self-contained"; fi

# --- the test evidence ------------------------------------------------------
cd "$SRC"
"$CPE" doc tests/e2e/coverage --out "$tmp/doc" --as-of 2026-06-01 >"$tmp/doc.txt" 2>&1 || fail "cpe doc exited $?: $(cat "$tmp/doc.txt")"
has "$tmp/doc.txt" "wrote 6 files (1 policies)"
diff -u tests/e2e/coverage/expected_tests.md "$tmp/doc/tests.md" || fail "tests.md differs from tests/e2e/coverage/expected_tests.md"
has "$tmp/doc/tests.html" '<h2 id="tests-demo-knee">demo.knee</h2>'
has "$tmp/doc/index.html" '<a href="tests.html">test evidence</a>'
has "$tmp/doc/demo.knee.html" '<a href="tests.html#tests-demo-knee">6 tests, all pass · coverage 88.2% · 12 of 16 mutants caught</a>'
has "$tmp/doc/demo.knee.md" '[6 tests, all pass · coverage 88.2% · 12 of 16 mutants caught](tests.md#tests-demo-knee)'
# The same figures as cpe test --coverage --mutate.
"$CPE" test tests/e2e/coverage --coverage --mutate >"$tmp/test.txt" 2>&1
has "$tmp/test.txt" "demo.knee 1: 15 of 17 (88.2%), 6 tests"
has "$tmp/test.txt" "demo.knee 1: 12 of 16 killed, 6 tests"
"$CPE" doc tests/e2e/coverage --out "$tmp/plain" --no-test-evidence >/dev/null 2>&1 || fail "cpe doc --no-test-evidence exited $?"
[ ! -e "$tmp/plain/tests.html" ] || fail "--no-test-evidence wrote tests.html"
hasnt "$tmp/plain/index.html" "tests.html"
[ $status = 0 ] && echo "consultation page and test evidence: ok"
exit $status
