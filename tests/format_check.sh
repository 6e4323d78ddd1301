#!/usr/bin/env bash
# Every C++ file is laid out as .clang-format says (`clang-format -i FILE` fixes one).
# The layout is clang-format 14's, the version Debian bookworm ships; another
# version may lay out a few constructs differently, so it skips (77) rather
# than fail.
set -uo pipefail
CLANG_FORMAT=${1:-clang-format}
cd "$(dirname "$0")/.."
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "format_check: $CLANG_FORMAT not found (make setup-test installs it): skipped"; exit 77
fi
if ! "$CLANG_FORMAT" --version | grep -q 'version 14\.'; then
  echo "format_check: $("$CLANG_FORMAT" --version) is not clang-format 14: skipped"; exit 77
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h' | grep -v '^fuzz/corpus')
else
  mapfile -t files < <(find grammar engine cli server audit tests bench fuzz -name '*.cpp' -o -name '*.h' | grep -v '^fuzz/corpus' | grep -v node_modules)
fi
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  "$CLANG_FORMAT" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "format_check: ${#bad[@]} of ${#files[@]} files are not laid out as .clang-format says; fix with:"
  echo "  $CLANG_FORMAT -i ${bad[*]}"
  exit 1
fi
echo "format_check: ${#files[@]} files laid out as .clang-format says"
