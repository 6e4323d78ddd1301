#!/usr/bin/env bash
# Batch runs of `cpe decide --cases` against golden output, one case per data
# file in tests/e2e/batch/:
#   NAME.ndjson   the input lines (may hold any bytes: invalid UTF-8 included)
#   NAME.args     extra arguments, on one line (optional)
#   NAME.out      the exact standard output expected
#   NAME.rc       the exit code expected (0 when absent)
# Standard error must never show a raw library exception. CPE_UPDATE_GOLDEN=1
# rewrites NAME.out and NAME.rc from the actual run.
# Usage: batch_golden.sh CPE   (any working directory)
set -uo pipefail
CPE=$1
cd "$(dirname "$0")/../.."
export LC_ALL=C
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; passed=0
for input in tests/e2e/batch/*.ndjson; do
    base=${input%.ndjson}
    args=()
    [ -f "$base.args" ] && read -r -a args <"$base.args"
    "$CPE" decide --policies policies --cases "$input" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "${CPE_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$tmp/out" "$base.out"
        if [ $rc -ne 0 ]; then echo $rc >"$base.rc"; else rm -f "$base.rc"; fi
    fi
    want_rc=0; [ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
    problems=""
    [ "$rc" = "$want_rc" ] || problems+=" exit $rc (wanted $want_rc);"
    cmp -s "$base.out" "$tmp/out" || problems+=" output differs;"
    grep -q "json.exception" "$tmp/err" && problems+=" raw exception on stderr;"
    if [ -n "$problems" ]; then
        echo "FAIL $input:$problems"
        diff -u "$base.out" "$tmp/out" | head -40
        sed 's/^/  stderr: /' "$tmp/err" | head -10
        fail=$((fail+1))
    else
        passed=$((passed+1))
    fi
done
echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
