#!/usr/bin/env bash
# The VS Code extension packaged as `make vscode` does (npm run package, @vscode/vsce),
# with no network at all, then what the .vsix holds and what its extension.js does
# when VS Code activates it (vscode_activate.js).
#   vscode_package.sh SOURCE_DIR CPE
# Fails (never skips) when the extension's pinned npm packages are missing.
set -euo pipefail
SRC=$1
CPE=$2
EXT=$SRC/editors/vscode
if ! command -v node >/dev/null 2>&1; then
  echo "node is not installed: run 'make setup-test'" >&2
  exit 1
fi
for m in "@vscode/vsce" vscode-languageclient; do
  if [ ! -d "$EXT/node_modules/$m" ]; then
    echo "$EXT/node_modules/$m is missing: run 'make setup-test' (npm ci in editors/vscode)" >&2
    exit 1
  fi
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
stamp() { stat -c %Y.%s "$EXT/cpe-policy-language.vsix" 2>/dev/null || echo none; }
before=$(stamp)

# Offline: in a network namespace of its own (no interface but a down loopback)
# where unshare can make one (root, as CI is), and npm told not to try anyway.
offline=()
if unshare -n true 2>/dev/null; then offline=(unshare -n); fi
(cd "$EXT" && npm_config_offline=true "${offline[@]}" npm run --silent package -- --out "$tmp/cpe-policy-language.vsix") >"$tmp/vsce.log" 2>&1 ||
  { cat "$tmp/vsce.log" >&2; echo "not ok - vsce package failed" >&2; exit 1; }
if [ ${#offline[@]} -gt 0 ]; then
  echo "ok - packaged with no network (${offline[*]})"
else
  echo "ok - packaged (npm offline; unshare -n is not available here)"
fi
if [ "$(stamp)" != "$before" ]; then
  echo "not ok - the test's package was written into the source tree" >&2
  exit 1
fi

# A .vsix is a zip: the extension's files are under extension/.
python3 - "$tmp/cpe-policy-language.vsix" <<'PY'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
need = ["extension.vsixmanifest", "extension/package.json", "extension/extension.js",
        "extension/syntaxes/cpl.tmLanguage.json", "extension/language-configuration.json",
        "extension/node_modules/vscode-languageclient/package.json"]
missing = [n for n in need if n not in names]
assert not missing, "missing from the .vsix: %s" % missing
pkg = json.loads(z.read("extension/package.json"))
# Every file package.json points at is in the package.
for path in [pkg["main"]] + [g["path"] for g in pkg["contributes"]["grammars"]] + \
            [l["configuration"] for l in pkg["contributes"]["languages"]]:
    assert "extension/" + path.lstrip("./") in names, path + " is named by package.json but not packaged"
json.loads(z.read("extension/syntaxes/cpl.tmLanguage.json"))
json.loads(z.read("extension/language-configuration.json"))
assert not any(n.startswith("extension/node_modules/@vscode/vsce") for n in names), "a devDependency was packaged"
print("ok - the .vsix holds package.json, extension.js, the grammar, the language configuration and vscode-languageclient (%d files)" % len(names))
PY
mkdir "$tmp/unpacked"
(cd "$tmp/unpacked" && unzip -q "$tmp/cpe-policy-language.vsix")
NODE_PATH="$SRC/tests/node/node_modules" node "$SRC/tests/lsp/vscode_activate.js" "$tmp/unpacked/extension" "$CPE" "$SRC"
