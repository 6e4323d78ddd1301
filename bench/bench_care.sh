#!/usr/bin/env bash
# `make bench` (bench/run.sh): `cpe audit --care` over one million synthetic
# care records (cpe-gen-care: continuing care and Section 117 across the three
# legacy areas), NDJSON and the same records as CSV, reporting records per
# second (wall and CPU, best of CARE_BENCH_RUNS). Figures are reported, never
# asserted.
#
# Environment: CARE_BENCH_RECORDS (default 1000000), CARE_BENCH_RUNS (default 3),
# CARE_BENCH_DIR (work folder, default BUILD_DIR/bench-care; data generated once and kept).
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
RECORDS=${CARE_BENCH_RECORDS:-1000000}
RUNS=${CARE_BENCH_RUNS:-3}
WORK=${CARE_BENCH_DIR:-$BUILD_DIR/bench-care}
CPE=$BUILD_DIR/cpe
GEN=$BUILD_DIR/cpe-gen-care
for tool in "$CPE" "$GEN"; do
  [ -x "$tool" ] || { echo "bench_care: $tool is missing; build first (make build)"; exit 1; }
done
mkdir -p "$WORK"
for format in ndjson csv; do
  file=$WORK/care-$RECORDS.$format
  if [ ! -s "$file" ]; then
    flag=""; [ "$format" = csv ] && flag=--csv
    "$GEN" --records "$RECORDS" --seed 20260401 $flag --out "$file"
  fi
done
echo "records: $RECORDS ($(du -h "$WORK/care-$RECORDS.ndjson" | cut -f1) NDJSON, $(du -h "$WORK/care-$RECORDS.csv" | cut -f1) CSV), threads: $(nproc) cores, at most 2 used"
for format in ndjson csv; do
  file=$WORK/care-$RECORDS.$format
  best_wall="" best_cpu=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S' -o "$WORK/time.txt" "$CPE" audit --care "$file" --out "$WORK/out-$format" >/dev/null 2>&1
    read -r wall user sys < "$WORK/time.txt"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then best_wall=$wall; best_cpu=$cpu; fi
  done
  awk -v n="$RECORDS" -v w="$best_wall" -v c="$best_cpu" -v f="$format" 'BEGIN {
    printf "cpe audit --care (%s): %.2f s wall, %.2f s CPU: %.0f records/s wall, %.0f records/s per CPU second\n", f, w, c, n / w, n / c }'
done
if ! cmp -s "$WORK/out-ndjson/care_28day.csv" "$WORK/out-csv/care_28day.csv"; then
  echo "bench_care: NDJSON and CSV give different care_28day.csv" >&2
  exit 1
fi
