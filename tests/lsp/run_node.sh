#!/usr/bin/env bash
# Runs one Node test script against the built cpe: run_node.sh SOURCE_DIR CPE SCRIPT [ARGS...].
# Fails (never skips) when Node or the pinned npm tools are missing.
set -euo pipefail
SRC=$1
CPE=$2
SCRIPT=$3
shift 3
if ! command -v node >/dev/null 2>&1; then
  echo "node is not installed: run 'make setup-test'" >&2
  exit 1
fi
if [ ! -d "$SRC/tests/node/node_modules/vscode-languageserver-protocol" ]; then
  echo "the npm test tools are not installed in $SRC/tests/node: run 'make setup-test'" >&2
  exit 1
fi
NODE_PATH="$SRC/tests/node/node_modules" exec node "$SCRIPT" "$SRC" "$CPE" "$@"
