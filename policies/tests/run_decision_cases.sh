#!/bin/sh
# Decision cases through the JSON interface of decision.md (`cpe decide
# --cases`): JSON arrays, null, booleans and null outputs as outside systems
# send and read them. The policies' own behaviour is tested in the .cpl files;
# these check that the batch path gives the same answers. Each line of
# policies/tests/decisions/*.ndjson is a batch case with one more key, last on
# the line, that cpe ignores:
#   "expect": "OUTCOME ROUTE [missing,facts] output=value,..."  or  "expect": "error"
# It also decides every sample referral of policies/examples on 2026-06-01
# (as `make demo` does) and compares with decisions/examples.expected.
# Usage: run_decision_cases.sh CPE   (from the repository root)
set -u
export LC_ALL=C
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

# The sample referrals of policies/examples (POLICY--what.json, facts only),
# decided on 2026-06-01 as `make demo` does, against examples.expected.
: >"$tmp/actual"
for facts in policies/examples/*.json; do
    name=$(basename "$facts" .json)
    "$cpe" decide --policies policies --policy "${name%%--*}" --facts "$facts" --as-of 2026-06-01 |
        tr -d '\n' | sed -E 's/ +//g' |
        sed -E 's/.*"outcome":"([a-z_]+)","route":"([a-z_]+)".*"missing_facts":\[([^]]*)\],"outputs":\{([^}]*)\}\}$/\1 \2 [\3] \4/' |
        sed -E -e "s/^/$name /" -e 's/"//g' -e 's/:/=/g' -e 's/ +$//' >>"$tmp/actual"
    echo >>"$tmp/actual"
done
if ! diff -u policies/tests/decisions/examples.expected "$tmp/actual"; then
    echo "FAIL policies/examples (expected vs actual: example outcome route [missing] outputs)"
    status=1
else
    echo "ok policies/examples: $(wc -l <"$tmp/actual") referrals"
fi
exit $status
