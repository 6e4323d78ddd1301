#!/bin/bash
# cpe diff: the golden cases through the command, exit codes, the argument
# forms and their errors, and the bundled fertility policies.
source "$(dirname "$0")/e2e_lib.sh" "$@"
GOLDEN=$SRC/tests/golden/diff

for dir in "$GOLDEN"/*/; do
    name=$(basename "$dir")
    want=1
    [ "$name" = identical ] && want=0
    (cd "$dir" && "$CPE" diff $(cat args) >"$WORK/out" 2>"$WORK/err"; echo $? >"$WORK/code")
    [ "$(cat "$WORK/code")" = "$want" ] || fail "$name: exit $(cat "$WORK/code"), wanted $want: $(cat "$WORK/err")"
    cmp -s "$WORK/out" "$dir/expected.txt" || { fail "$name: text differs from expected.txt"; diff "$dir/expected.txt" "$WORK/out" | head -20 >&2; }
    (cd "$dir" && "$CPE" diff $(cat args) --format json >"$WORK/out" 2>"$WORK/err")
    cmp -s "$WORK/out" "$dir/expected.json" || fail "$name: JSON differs from expected.json"
done

cd "$SRC"
expect_exit 1 -- "$CPE" diff fertility.ivf.hwe fertility.ivf --as-of 2026-06-01
expect_in "$WORK/out" "fertility.ivf.hwe@2026-04-01 → fertility.ivf@2026-04-01"
expect_in "$WORK/out" "upper limit of age_years: 39 → 42"
expect_in "$WORK/out" "lower limit of infertility_years: 3 → 2"
expect_exit 1 -- "$CPE" diff srp.gluten_free.mse srp.gluten_free
expect_in "$WORK/out" "~ access route: not routinely commissioned → criteria based"
# The harmonised draft takes Mid and South Essex's rules: only the header differs
# (a difference all the same, so exit 1).
expect_exit 1 -- "$CPE" diff fertility.ivf.mse fertility.ivf --format json
expect_in "$WORK/out" '"summary": "effective dates changed, 4 header items changed"'
expect_exit 1 -- "$CPE" diff 'fertility.ivf.{legacy_area}' fertility.ivf
expect_in "$WORK/out" "fertility.ivf.snee@2026-04-01 → fertility.ivf@2026-04-01"

# Errors name what is wrong and exit 2.
expect_exit 2 -- "$CPE" diff fertility.ivff fertility.ivf
expect_in "$WORK/err" "fertility.ivff: no policy 'fertility.ivff' (did you mean 'fertility.ivf'?)"
expect_exit 2 -- "$CPE" diff fertility.ivf@1999 fertility.ivf
expect_in "$WORK/err" "'fertility.ivf' has no version '1999' (versions: 2026-04-01)"
expect_exit 2 -- "$CPE" diff fertility.ivf fertility.ivf --by legacy_area
expect_in "$WORK/err" "--by and --html describe an impact run; add --cases FILE.ndjson"
expect_exit 2 -- "$CPE" diff fertility.ivf fertility.ivf --cases "$WORK/none.ndjson"
expect_in "$WORK/err" "$WORK/none.ndjson: cannot read this file"
expect_exit 2 -- "$CPE" diff 'fertility.ivf.{sex}' fertility.ivf
expect_in "$WORK/err" "no policy is named fertility.ivf.<sex>"
expect_exit 2 -- "$CPE" diff fertility.ivf fertility.ivf --as-of 2026-13-01
expect_in "$WORK/err" "--as-of must be a date YYYY-MM-DD"

# A draft file against the library it will join.
sed 's/bmi between 19 and 30/bmi between 19 and 32/' policies/fertility/ivf.cpl >"$WORK/ivf_draft.cpl"
expect_exit 1 -- "$CPE" diff fertility.ivf "$WORK/ivf_draft.cpl"
expect_in "$WORK/out" "upper limit of bmi: 30 kg/m2 → 32 kg/m2"
finish
