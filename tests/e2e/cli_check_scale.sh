#!/usr/bin/env bash
# `cpe check` on generated inputs (bench/gen_check_input): a generated library
# checks clean, long flat chains are accepted, and expressions nested past the
# parser's limit are a clear error at their line and column, never a crash.
# (Times and memory are measured by make bench, bench/bench_check.sh.)
set -uo pipefail
CPE=$1
GEN=$2
fail=0; passed=0
ok() { passed=$((passed+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$GEN" library 300000 > "$tmp/lib.cpl"
out=$("$CPE" check "$tmp/lib.cpl" 2>&1); rc=$?
[ $rc -eq 0 ] && grep -Eq "^ok: 1 files, [0-9]+ policies, [0-9]+ modules" <<<"$out" && ok || bad "generated library: rc=$rc $out"

# Flat: 100,000 `and` terms, 20,000 `or` terms, an `all of` of 20,000 groups.
for kind in "and 100000" "or 20000" "allof 20000"; do
  "$GEN" $kind > "$tmp/flat.cpl"
  out=$("$CPE" check "$tmp/flat.cpl" 2>&1); rc=$?
  [ $rc -eq 0 ] && grep -q "^ok: 1 files, 1 policies" <<<"$out" && ok || bad "$kind: rc=$rc $(echo "$out" | head -3 | cut -c1-200)"
done

# Deep: refused at the token that goes past 200 levels, with exit 1 (not a signal).
expect_deep() {  # kind count line:col message
  "$GEN" $1 $2 > "$tmp/deep.cpl"
  out=$("$CPE" check "$tmp/deep.cpl" 2>&1); rc=$?
  first=${out%%$'\n'*}
  [ $rc -eq 1 ] && grep -qF "deep.cpl:$3: error: $4 more than 200 levels deep" <<< "$first" && ok || bad "$1 $2: rc=$rc ${first:0:200}"
}
expect_deep parens 100000 8:237 "expression nested"
expect_deep not 100000 8:834 "expression nested"
expect_deep plus 100000 8:830 "a sum or product nested (one level per term)"
expect_deep if 100000 8:4386 "'if' nested"
# Just inside the limit is accepted.
for kind in "parens 198" "plus 199" "if 199" "not 200"; do
  "$GEN" $kind > "$tmp/edge.cpl"
  out=$("$CPE" check "$tmp/edge.cpl" 2>&1); rc=$?
  [ $rc -eq 0 ] && ok || bad "$kind: rc=$rc $(echo "$out" | head -1 | cut -c1-200)"
done

echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
