#!/usr/bin/env bash
# Impact runs end to end: `cpe diff OLD NEW --cases` over CASES (default
# 100,000) generated fertility referrals (tests/versions/cpe_gen_fertility_cases),
# wall and CPU seconds, on two threads and one with the fast case reader
# (engine/decision/fast_case_reader.h) and with every line read by the
# reference reader (--reference-reader, nlohmann), in the same run: the
# fast reader's gain as a ratio. Two pairs: the SNEE policy against the
# harmonised one, and each case's old area policy against it, by area.
# The issue's target: under 0.1 s wall for 100,000 cases. The machine is
# shared (2 cores, other builds running): compare rows of one run.
set -euo pipefail
BUILD_DIR=${1:-build}
CASES=${CASES:-100000}
CPE="$BUILD_DIR/cpe"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$BUILD_DIR/tests/versions/cpe_gen_fertility_cases" "$CASES" >"$tmp/cases.ndjson"
lines=$(wc -l <"$tmp/cases.ndjson")
printf '%-34s %-10s %7s %8s %8s %14s\n' "impact run" "reader" "threads" "wall s" "CPU s" "cases per s"
for pair in "snee->ivf|fertility.ivf.snee fertility.ivf" "areas->ivf, by legacy_area|fertility.ivf.{legacy_area} fertility.ivf --by legacy_area"; do
    name=${pair%%|*}
    args=${pair#*|}
    for run in "fast 2" "fast 1" "reference 1"; do
        read -r reader threads <<<"$run"
        flag=""
        [ "$reader" = reference ] && flag=--reference-reader
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$CPE" diff $args --policies policies --as-of 2026-06-01 \
            --cases "$tmp/cases.ndjson" --threads "$threads" $flag >/dev/null 2>"$tmp/err" || true
        read -r wall user sys <"$tmp/time"
        awk -v s="$name" -v r="$reader" -v t="$threads" -v n="$lines" -v w="$wall" -v u="$user" -v k="$sys" 'BEGIN {
            printf "%-34s %-10s %7d %8.2f %8.2f %14.0f\n", s, r, t, w, u + k, n / (w > 0 ? w : 1e-9) }'
    done
done
