#!/usr/bin/env bash
# Decisions per second on three policies vs hand-written C++, and the compile
# time of a generated 1,000-policy library (bench/bench_decisions.cpp).
set -euo pipefail
BUILD_DIR=${1:-build}
"$BUILD_DIR/bench/bench_decisions" policies "${CASES:-1000000}"
