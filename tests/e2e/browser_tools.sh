# Sourced by the browser tests (tests/e2e/*_browser.sh, published_pages.sh,
# triage_page.sh) after setting SRC: points node at the pinned test tools and
# fails, naming `make setup-test`, when node, Debian's Chromium, playwright-core
# or axe-core is missing (a browser test never skips).
# Usage: require_browser_tools [OTHER_COMMAND...]
export NODE_PATH=$SRC/tests/node/node_modules
require_browser_tools() {
  local need mod
  for need in node /usr/bin/chromium "$@"; do
    command -v "$need" >/dev/null 2>&1 || { echo "FAIL: $need is missing: run make setup-test"; exit 1; }
  done
  for mod in playwright-core axe-core; do
    [ -d "$NODE_PATH/$mod" ] || { echo "FAIL: $NODE_PATH/$mod is missing: run make setup-test"; exit 1; }
  done
}
