#!/usr/bin/env bash
# cpe diff --cases: the fast case reader (engine/decision/fast_case_reader.h,
# on both cores) against the reference reader (--reference-reader, one
# thread): the same report, text, JSON and the consultation page, byte for
# byte but for the run's seconds, on generated fertility referrals with
# seeded awkward lines among them (errors, unknown and null facts, escapes,
# decimals not in nlohmann's form, ids of every kind, blank and overlong
# lines), with ID.{FACT} and --by, and on the consultation fixture's two
# libraries (old.cpl, new.cpl).
source "$(dirname "$0")/e2e_lib.sh" "$@"
cd "$SRC"

"$GEN" 20000 >"$WORK/generated.ndjson"
python3 - "$WORK/generated.ndjson" >"$WORK/cases.ndjson" <<'PY'
import random, sys
rng = random.Random(19)
awkward = [
    '{"id":"bad-json","facts":{"age_years":',
    '{"id":"unknown-fact","facts":{"age_years":33,"no_such_fact":1}}',
    '{"id":"out-of-range","facts":{"age_years":300}}',
    '{"id":"null-facts","facts":null}',
    '{"facts":{"age_years":33,"bmi":24.5}}',
    '{"id":17,"facts":{"age_years":33,"bmi":24.50}}',
    '{"id":"escaped\\u0041","facts":{"age_years":33}}',
    '{"id":"exp","facts":{"bmi":2.45e1,"legacy_area":"hwe"}}',
    '{"id":"null-area","facts":{"age_years":33,"legacy_area":null}}',
    '{"id":"top-area","legacy_area":"mse","facts":{"age_years":33}}',
    '{"id":"bad-area","facts":{"legacy_area":"nowhere"}}',
    '{"id":"twice","facts":{"age_years":33,"age_years":34}}',
    '[1,2]',
    '   ',
    '{"id":"long","facts":{"age_years":33},"pad":"' + "x" * 5000 + '"}',
    '{"id":"as-of","as_of":"2026-02-30","facts":{}}',
]
for line in open(sys.argv[1]):
    sys.stdout.write(line)
    if rng.random() < 0.01:
        sys.stdout.write(rng.choice(awkward) + "\n")
PY

# run NAME ARGS...: the report through both readers, compared.
run() {
    local name=$1; shift
    "$CPE" diff "$@" --html "$WORK/$name.fast.html" >"$WORK/$name.fast" 2>"$WORK/$name.fast.err"
    local fast=$?
    "$CPE" diff "$@" --threads 1 --reference-reader --html "$WORK/$name.ref.html" >"$WORK/$name.ref" 2>"$WORK/$name.ref.err"
    local ref=$?
    [ "$fast" = "$ref" ] || fail "$name: exit $fast (fast) against $ref (reference)"
    for f in "" .html .err; do
        sed -E 's/[0-9]+\.[0-9]+ s$/N s/; s/"seconds": [0-9.e+-]+/"seconds": N/; s/ in [0-9]+\.[0-9]+ s/ in N s/; s/\.(fast|ref)\.html/.html/' \
            "$WORK/$name.fast$f" >"$WORK/a"
        sed -E 's/[0-9]+\.[0-9]+ s$/N s/; s/"seconds": [0-9.e+-]+/"seconds": N/; s/ in [0-9]+\.[0-9]+ s/ in N s/; s/\.(fast|ref)\.html/.html/' \
            "$WORK/$name.ref$f" >"$WORK/b"
        cmp -s "$WORK/a" "$WORK/b" || { fail "$name$f: the fast reader's report differs:"; diff "$WORK/b" "$WORK/a" | head -10 >&2; }
    done
    [ -s "$WORK/$name.fast" ] || fail "$name: no report"
}

run plain fertility.ivf.snee fertility.ivf --as-of 2026-06-01 --cases "$WORK/cases.ndjson" --max-line 4096
run by-area 'fertility.ivf.{legacy_area}' fertility.ivf --as-of 2026-06-01 --cases "$WORK/cases.ndjson" \
    --by legacy_area --by smoker --by bmi --max-line 4096
run json 'fertility.ivf.{legacy_area}' fertility.ivf --as-of 2026-06-01 --cases "$WORK/cases.ndjson" \
    --by legacy_area --format json --examples 5
run analysis-only fertility.ivf.snee fertility.ivf --as-of 2026-06-01 --cases "$WORK/cases.ndjson" --by imd_quintile
# The report does count the awkward lines as errors: the comparison is not of empty reports.
expect_in "$WORK/plain.fast" "lines with errors"
expect_not_in "$WORK/plain.fast" " 0 lines with errors"
(cd tests/e2e/consultation && run consultation old.cpl new.cpl --cases cases.ndjson --by area)
finish
