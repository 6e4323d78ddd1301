#!/bin/sh
# Decision cases that a .cpl test cannot state yet (list values such as
# mha_sections = ["37/41"]: see policies/s117/aftercare.cpl). Each line of
# policies/tests/decisions/*.ndjson is a batch case of decision.md with one
# more key, last on the line, that cpe ignores:
#   "expect": "OUTCOME ROUTE [missing,facts] output=value,..."  or  "expect": "error"
# Usage: run_decision_cases.sh CPE   (from the repository root)
set -u
cpe=${1:?usage: run_decision_cases.sh CPE}
tmp=${TMPDIR:-/tmp}/cpe-decision-cases.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
status=0
for cases in policies/tests/decisions/*.ndjson; do
    sed -E 's/^\{"id":"([^"]*)".*"expect":"([^"]*)"\}$/\1 \2/' "$cases" >"$tmp/expected"
    "$cpe" decide --policies policies --cases "$cases" >"$tmp/out" 2>"$tmp/err"
    sed -E \
        -e 's/^\{"id":"([^"]*)","error".*/\1 error/' \
        -e 't' \
        -e 's/^\{"id":"([^"]*)".*"outcome":"([a-z_]+)","route":"([a-z_]+)".*"missing_facts":\[([^]]*)\],"outputs":\{([^}]*)\}\}$/\1 \2 \3 [\4] \5/' \
        "$tmp/out" | sed -E -e 's/"//g' -e 's/:/=/g' -e 's/ +$//' >"$tmp/actual"
    if ! diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
        echo "FAIL $cases (expected vs actual: id outcome route [missing] outputs)"
        cat "$tmp/diff"
        cat "$tmp/err"
        status=1
    else
        echo "ok $cases: $(wc -l <"$tmp/expected") cases"
    fi
done
exit $status
