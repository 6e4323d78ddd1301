#!/usr/bin/env bash
# `make demo`, the audit part: generated coded activity (the contract layout and
# the same rows as a wide HES-style extract), audited against the bundled
# policies' coding rules, with standardised rates from a banded population.
# Usage: tools/demo_audit.sh [build/cpe]; writes under build/demo-audit.
set -euo pipefail
CPE=${1:-build/cpe}
cd "$(dirname "$0")/.."
GEN=$(dirname "$CPE")/cpe-gen-activity
OUT=$(dirname "$CPE")/demo-audit
bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true)
step() { printf '\n%s== %s%s\n$ %s\n' "$bold" "$1" "$plain" "$2"; }
[ -x "$GEN" ] || { echo "demo_audit: $GEN is missing; build first (make build)"; exit 1; }
mkdir -p "$OUT"

step "Generate a year of coded activity (200,000 episodes, some malformed)" \
     "cpe-gen-activity --rows 200000 --malformed 0.002 --population-bands population.csv --out activity.csv"
"$GEN" --rows 200000 --malformed 0.002 --population-bands "$OUT/population.csv" --out "$OUT/activity.csv"
"$GEN" --rows 200000 --malformed 0.002 --layout hes --mapping-out "$OUT/hes.map" --out "$OUT/hes.csv"
printf 'code,name\nRAJ,Mid and South Essex NHS Foundation Trust\nRGN,North West Anglia NHS Foundation Trust\n' > "$OUT/names.csv"

step "Audit it: standardised rates by commissioner, names, trends" \
     "cpe audit --activity activity.csv --population population.csv --names names.csv --out $OUT/out"
"$CPE" audit --policies policies --activity "$OUT/activity.csv" --population "$OUT/population.csv" \
  --names "$OUT/names.csv" --out "$OUT/out" --no-progress
head -4 "$OUT/out/groups.csv" | cut -c1-150

step "The same activity as a wide HES extract, read through a mapping" \
     "cpe audit --activity hes.csv --mapping hes.map --out $OUT/hes-out"
"$CPE" audit --policies policies --activity "$OUT/hes.csv" --mapping "$OUT/hes.map" --out "$OUT/hes-out" --no-progress
"$CPE" audit --policies policies --activity "$OUT/activity.csv" --out "$OUT/contract-out" --no-progress > /dev/null
if cmp -s "$OUT/hes-out/activity.csv" "$OUT/contract-out/activity.csv"; then
  echo "activity.csv is identical for both layouts"
else
  echo "activity.csv DIFFERS between the layouts"; exit 1
fi
printf '\n%sThe audit report is %s%s (CSV files beside it).\n' "$bold" "$OUT/out/report.html" "$plain"
