#!/usr/bin/env bash
# `make bench` (bench/run.sh): what `cpe test --coverage` costs on top of
# `cpe test` over the whole policies/ library (best of 5 wall times each).
# Coverage probes every comparison of every test once, so it should stay
# within a small multiple of the plain run.
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
CPE=$BUILD_DIR/cpe
[ -x "$CPE" ] || { echo "bench_test_coverage: $CPE is missing; build first (make build)"; exit 1; }
now() { date +%s.%N; }
best_of_5() {
  local best="" t0 t
  for _ in 1 2 3 4 5; do
    t0=$(now); "$@" >/dev/null; t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
    best=$(printf '%s\n%s\n' "$t" "$best" | grep . | sort -g | head -1)
  done
  echo "$best"
}
PLAIN=$(best_of_5 "$CPE" test policies)
COVER=$(best_of_5 "$CPE" test policies --coverage)
TESTS=$("$CPE" test policies | tail -1)
echo "policies/: $TESTS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %7s s\n' "cpe test policies" "$PLAIN" "cpe test policies --coverage" "$COVER"
echo "coverage / plain: $(awk -v a="$COVER" -v b="$PLAIN" 'BEGIN { printf "%.2fx", a / b }')"
