#!/usr/bin/env bash
# `cpe audit --cases` end to end over CASES (default 200,000) recorded cases
# at six providers, wall and CPU seconds and cases per second of each: the
# fast case reader (engine/library/fast_decider.h, simdjson on-demand) on two
# threads and one, and every line read by the reference reader
# (--reference-reader: nlohmann, PolicyLibrary::decide) on two and one, in the
# same run, with the fast reader's gain as a ratio of CPU seconds. Two sets:
# generated fertility referrals (tests/versions/cpe_gen_fertility_cases; nine
# in ten are not eligible or undetermined, so case_findings.csv gets a row for
# most of them), and tonsillectomy referrals (bench/gen_tonsillectomy_cases.py,
# as bench_batch.sh; most eligible: few findings). The outputs (compliance.csv,
# case_findings.csv, report.html) are written to a scratch folder each run.
# The machine is shared (2 cores, other builds running): the load average is
# printed before and after, and only rows of one run compare; CPU seconds
# say more than wall seconds under load.
set -euo pipefail
BUILD_DIR=${1:-build}
CASES=${CASES:-200000}
CPE="$BUILD_DIR/cpe"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# A provider for each case: R0 to R5 in turn.
with_provider() { awk '{ sub(/^\{/, "{\"provider\":\"R" NR % 6 "\","); print }'; }
"$BUILD_DIR/tests/versions/cpe_gen_fertility_cases" "$CASES" | with_provider >"$tmp/fertility.ndjson"
python3 bench/gen_tonsillectomy_cases.py "$CASES" | with_provider >"$tmp/tonsillectomy.ndjson"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
printf '%-14s %-10s %7s %9s %10s %8s %8s %12s %12s %9s\n' "cases" "reader" "threads" "lines" "findings" "wall s" "CPU s" \
    "per wall s" "per CPU s" "CPU ratio"
for set in tonsillectomy fertility; do
    lines=$(wc -l <"$tmp/$set.ndjson")
    fastCpu=""
    for run in "fast 2" "fast 1" "reference 2" "reference 1"; do
        read -r reader threads <<<"$run"
        flag=""
        [ "$reader" = reference ] && flag=--reference-reader
        rm -rf "$tmp/out"
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$CPE" audit --policies policies --cases "$tmp/$set.ndjson" \
            --as-of 2026-06-01 --out "$tmp/out" --threads "$threads" $flag >/dev/null 2>"$tmp/err" ||
            { cat "$tmp/err"; exit 1; }
        findings=$(($(wc -l <"$tmp/out/case_findings.csv") - 1))
        read -r wall user sys <"$tmp/time"
        cpu=$(awk -v u="$user" -v k="$sys" 'BEGIN { printf "%.2f", u + k }')
        [ "$run" = "fast 1" ] && fastCpu=$cpu
        ratio="-"
        [ "$reader" = reference ] && [ "$threads" = 1 ] && ratio=$(awk -v r="$cpu" -v f="$fastCpu" 'BEGIN { printf "%.1fx", r / (f > 0 ? f : 1e-9) }')
        awk -v s="$set" -v r="$reader" -v t="$threads" -v n="$lines" -v f="$findings" -v w="$wall" -v c="$cpu" -v x="$ratio" 'BEGIN {
            printf "%-14s %-10s %7d %9d %10d %8.2f %8.2f %12.0f %12.0f %9s\n", s, r, t, n, f, w, c, n / (w > 0 ? w : 1e-9), n / (c > 0 ? c : 1e-9), x }'
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU ratio: the reference reader's CPU seconds on one thread over the fast reader's, same set, same run"
