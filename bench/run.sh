#!/usr/bin/env bash
# `make bench`: runs every bench/bench_*.sh in turn against the build folder
# given as $1, each printing its own figures. Machine facts go first, because
# every figure is only meaningful next to the machine it was measured on.
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for script in bench/bench_*.sh; do
  echo
  echo "== $(basename "$script" .sh)"
  bash "$script" "$BUILD_DIR"
done
