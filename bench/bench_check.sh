#!/usr/bin/env bash
# `cpe check` (parse, check, compile, warnings) on generated libraries in one
# file (bench/gen_check_input): 1 MB and 5 MB of policies, modules and tests,
# and one criterion of 100,000 `and` terms. The 5 MB file also without the
# warnings (`--no-warnings`: parse, check and compile only), so the
# warnings' share is a difference within one run. Time and peak memory from
# /usr/bin/time; target: the 5 MB check under 1 s CPU, reported as the ratio
# of its CPU time to 1 s, and peak RSS as a multiple of the source size.
# Then the parse alone of the 5 MB file, ANTLR's path against the
# hand-written parser's, as a ratio within one run (bench/bench_parse_paths.cpp).
# The machine is shared (2 cores, loaded): wall times vary; CPU is steadier.
set -euo pipefail
BUILD_DIR=${1:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%-40s %8s %8s %8s %10s %9s\n' "input" "size" "wall s" "cpu s" "peak RSS" "RSS/size"
row() {  # label file [cpe check options]
  local label=$1 file=$2 size; shift 2
  size=$(stat -c %s "$file")
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$BUILD_DIR/cpe" check "$@" "$file" > /dev/null
  read -r wall user sys rss < "$tmp/t"
  echo "$user $sys" > "$tmp/cpu.$label"
  awk -v l="$label" -v s="$size" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" \
    'BEGIN { printf "%-40s %5.1f MB %8s %8.2f %7d MB %8.0fx\n", l, s / 1e6, w, u + y, r / 1024, r * 1024 / s }'
}
"$BUILD_DIR/bench/gen_check_input" library 1000000 > "$tmp/lib1.cpl"
"$BUILD_DIR/bench/gen_check_input" library 5000000 > "$tmp/lib5.cpl"
"$BUILD_DIR/bench/gen_check_input" and 100000 > "$tmp/and.cpl"
row "library, 1 MB" "$tmp/lib1.cpl"
row "library, 5 MB (target < 1 s)" "$tmp/lib5.cpl"
row "library, 5 MB, --no-warnings" "$tmp/lib5.cpl" --no-warnings
read -r u5 y5 < "$tmp/cpu.library, 5 MB (target < 1 s)"
read -r un yn < "$tmp/cpu.library, 5 MB, --no-warnings"
awk -v a="$u5" -v b="$y5" -v c="$un" -v d="$yn" 'BEGIN {
  printf "5 MB check: %.2f s CPU = %.2fx the 1 s target; the warnings %.2f s of it\n", a + b, (a + b) / 1.0, (a + b) - (c + d) }'
row "one criterion, 100,000 'and' terms" "$tmp/and.cpl"
"$BUILD_DIR/bench/bench_parse_paths" "$tmp/lib5.cpl" 3
