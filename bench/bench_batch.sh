#!/usr/bin/env bash
# End to end: `cpe decide --cases` over CASES (default 1,000,000) NDJSON
# cases, read from a file and written to /dev/null, wall and CPU seconds and
# decisions per second of each, one row per case set; the in-process rates of
# the same policies are bench_decisions' rows. Cases: generated fertility
# referrals (tests/versions/cpe_gen_fertility_cases), and tonsillectomy
# referrals (bench/gen_tonsillectomy_cases.py: episode counts 0-12, booleans,
# some unknown). Each set runs on one thread and on two (--threads): the
# output is the same bytes.
# The "reference" rows read every line with the reference reader (nlohmann,
# engine/library/batch_line.h) instead of the fast path (simdjson on-demand,
# fast_case_decider.h), in the same run: the fast path's gain as a ratio.
set -euo pipefail
BUILD_DIR=${1:-build}
CASES=${CASES:-1000000}
CPE="$BUILD_DIR/cpe"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$BUILD_DIR/tests/versions/cpe_gen_fertility_cases" "$CASES" >"$tmp/fertility.ndjson"
python3 bench/gen_tonsillectomy_cases.py "$CASES" >"$tmp/tonsillectomy.ndjson"
printf '%-26s %7s %10s %8s %8s %14s %14s\n' "cases" "threads" "lines" "wall s" "CPU s" "per wall s" "per CPU s"
for set in tonsillectomy fertility; do
    lines=$(wc -l <"$tmp/$set.ndjson")
    for run in "1" "2" "1 reference"; do
        read -r threads reader <<<"$run"
        /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$CPE" decide --policies policies --cases "$tmp/$set.ndjson" \
            --threads $threads ${reader:+--reference-reader} >/dev/null 2>"$tmp/err" || true
        read -r wall user sys <"$tmp/time"
        awk -v s="$set${reader:+ (reference)}" -v t="$threads" -v n="$lines" -v w="$wall" -v u="$user" -v k="$sys" 'BEGIN {
            c = u + k; printf "%-26s %7d %10d %8.2f %8.2f %14.0f %14.0f\n", s, t, n, w, c, n / (w > 0 ? w : 1e-9), n / (c > 0 ? c : 1e-9) }'
    done
done
