#!/usr/bin/env bash
# `cpe lsp` on the policies/ library: time to first diagnostics when a file
# is opened, and the per-keystroke re-check of the whole library (target:
# under 50 ms), measured in process by bench_lsp_recheck as the server does it.
set -euo pipefail
BUILD_DIR=${1:-build}
"$BUILD_DIR/bench/bench_lsp_recheck" policies policies/ebi/tonsillectomy.cpl 200
"$BUILD_DIR/bench/bench_lsp_recheck" policies policies/fertility/ivf.cpl 200
