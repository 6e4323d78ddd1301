#!/usr/bin/env bash
# Debian's neovim, headless, as the LSP client of `cpe lsp` (nvim_client.lua).
#   nvim_client.sh SOURCE_DIR CPE
# Fails (never skips) without neovim.
set -euo pipefail
SRC=$1
CPE=$2
if ! command -v nvim >/dev/null 2>&1; then
  echo "neovim is not installed: run 'make setup-test'" >&2
  exit 1
fi
home=$(mktemp -d); trap 'rm -rf "$home"' EXIT
# A throwaway home: no user config, no shada, no swap files next to the policies.
HOME=$home XDG_CONFIG_HOME=$home XDG_DATA_HOME=$home XDG_STATE_HOME=$home CPE=$CPE SRC=$SRC \
  timeout 60 nvim --headless --clean -n -i NONE -c "luafile $SRC/tests/lsp/nvim_client.lua" < /dev/null
