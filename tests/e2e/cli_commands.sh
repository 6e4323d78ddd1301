#!/usr/bin/env bash
# The `cpe` command's conventions (options anywhere, --format after any
# subcommand, --version, help, list, id suggestions, exit codes), as data:
# each line of tests/e2e/commands/cases.txt is one run, its exit code and a
# pattern its output must (or, after `!`, must not) match.
set -uo pipefail
CPE=$1
cd "$(dirname "$0")/../.."
fail=0; passed=0
while IFS= read -r line; do
  [[ -z "${line// }" || "$line" == \#* ]] && continue
  code=$(sed -E 's/^ *([0-9]+) *\|.*/\1/' <<< "$line")
  args=$(sed -E 's/^[^|]*\| *([^|]*[^| ])? *\|.*/\1/' <<< "$line")
  pattern=$(sed -E 's/^[^|]*\|[^|]*\| ?//' <<< "$line")
  negate=0
  if [[ "$pattern" == '! '* ]]; then negate=1; pattern=${pattern#! }; fi
  # shellcheck disable=SC2086  # the arguments are split on spaces, as written
  out=$("$CPE" $args < /dev/null 2>&1); rc=$?
  matched=0; grep -Eq -- "$pattern" <<< "$out" && matched=1
  if [ "$rc" -eq "$code" ] && [ $matched -ne $negate ]; then
    passed=$((passed+1))
  else
    echo "FAIL: cpe $args  (exit $rc, expected $code; pattern ${negate:+$([ $negate = 1 ] && echo 'not ')}'$pattern')"
    echo "$out" | head -5 | sed 's/^/    /'
    fail=$((fail+1))
  fi
done < tests/e2e/commands/cases.txt
echo "$passed passed, $fail failed"
[ $fail -eq 0 ] && [ $passed -gt 0 ]
