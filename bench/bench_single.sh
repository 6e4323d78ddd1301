#!/usr/bin/env bash
# One referral from the command line, as a triage script calling cpe per
# referral pays it: `cpe decide --policy ID --facts F` on the bundled
# library, RUNS (default 40) times a policy, mean wall and CPU milliseconds
# a call. The reference is the same process loading the whole library
# (`cpe check policies`), measured in the same run; the target is under
# 10 ms a referral. Instruction counts (callgrind) are steadier than these
# on a shared machine: see engine/library/policy_scope.h.
set -euo pipefail
BUILD_DIR=${1:-build}
RUNS=${RUNS:-40}
CPE="$BUILD_DIR/cpe"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo '{"tonsillitis_episodes_last_12_months": 8, "episodes_disabling": true}' >"$tmp/ebi.tonsillectomy.json"
echo '{"age_years": 34, "bmi": 24}' >"$tmp/fertility.ivf.json"
echo '{"checklist_breathing": "c"}' >"$tmp/chc.checklist.json"
# Mean milliseconds of wall and CPU a call of "$@", over RUNS calls.
per_call() {
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o "$tmp/time" bash -c 'for ((i = 0; i < '"$RUNS"'; i++)); do "$@" >/dev/null; done' _ "$@"
    end=$(date +%s%N)
    read -r user sys <"$tmp/time"
    awk -v w="$(( (end - start) / 1000 ))" -v u="$user" -v k="$sys" -v n="$RUNS" \
        'BEGIN { printf "%10.1f %10.1f", w / 1000 / n, (u + k) * 1000 / n }'
}
printf '%-34s %10s %10s\n' "command" "wall ms" "CPU ms"
printf '%-34s %s\n' "--version (starting the process)" "$(per_call "$CPE" --version)"
printf '%-34s %s\n' "check policies (whole library)" "$(per_call "$CPE" check policies)"
for policy in ebi.tonsillectomy fertility.ivf chc.checklist; do
    printf '%-34s %s\n' "decide --policy $policy" \
        "$(per_call "$CPE" decide --policies policies --policy "$policy" --facts "$tmp/$policy.json")"
done
