#!/usr/bin/env bash
# `cpe check` (parse, check, compile) on generated libraries in one file
# (bench/gen_check_input): 1 MB and 5 MB of policies, modules and tests, and
# one criterion of 100,000 `and` terms. Time and peak memory from
# /usr/bin/time; target: the 5 MB file under 1 s. Then the parse alone of the
# 5 MB file, ANTLR's path against the hand-written parser's, as a ratio
# within one run (bench/bench_parse_paths.cpp).
set -euo pipefail
BUILD_DIR=${1:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%-34s %10s %10s %10s %12s\n' "input" "size" "wall s" "cpu s" "peak RSS"
row() {  # label file
  local size; size=$(stat -c %s "$2")
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$BUILD_DIR/cpe" check "$2" > /dev/null
  read -r wall user sys rss < "$tmp/t"
  awk -v l="$1" -v s="$size" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" \
    'BEGIN { printf "%-34s %8.1f MB %10s %10.2f %9d MB\n", l, s / 1e6, w, u + y, r / 1024 }'
}
"$BUILD_DIR/bench/gen_check_input" library 1000000 > "$tmp/lib1.cpl"
"$BUILD_DIR/bench/gen_check_input" library 5000000 > "$tmp/lib5.cpl"
"$BUILD_DIR/bench/gen_check_input" and 100000 > "$tmp/and.cpl"
row "library, 1 MB" "$tmp/lib1.cpl"
row "library, 5 MB (target < 1 s)" "$tmp/lib5.cpl"
row "one criterion, 100,000 'and' terms" "$tmp/and.cpl"
"$BUILD_DIR/bench/bench_parse_paths" "$tmp/lib5.cpl" 3
