#!/bin/sh
# Coding-rule tests: runs `cpe audit` over activity.csv (one episode a row,
# each under its own "provider" label naming the case: TON07_X_G473 is a
# tonsillectomy that must NOT count because of a G473 diagnosis) and compares
# the counts with the hand-worked expected_activity.csv. A case whose label
# has _X_ must be absent from the counts; every other case counts once.
# Usage: run_coding_audit.sh CPE   (from the repository root)
set -u
cpe=${1:?usage: run_coding_audit.sh CPE}
here=policies/tests/coding
out=${TMPDIR:-/tmp}/cpe-coding-audit.$$
trap 'rm -rf "$out"' EXIT
"$cpe" audit --policies policies --activity "$here/activity.csv" --out "$out" \
    --as-of 2026-06-01 --no-progress --threads 1 || exit 1
status=0
if ! diff -u "$here/expected_activity.csv" "$out/activity.csv"; then
    echo "FAIL: activity.csv differs from $here/expected_activity.csv"
    status=1
fi
if [ "$(cat "$out/rejects.csv")" != "line,reason" ]; then
    echo "FAIL: rows were rejected:"
    cat "$out/rejects.csv"
    status=1
fi
[ $status = 0 ] && echo "ok: coding rules give the hand-worked counts"
exit $status
