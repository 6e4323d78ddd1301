#!/usr/bin/env bash
# `make demo`: a tour of cpe on the bundled policy library and sample data.
# Each step is a real command a policy author, triage clerk or analyst runs.
set -euo pipefail
CPE=${1:-build/cpe}
cd "$(dirname "$0")/.."
bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true)
step() { printf '\n%s== %s%s\n$ %s\n' "$bold" "$1" "$plain" "$2"; }

step "Check the policy library (every error, with file:line:col)" "cpe check policies"
"$CPE" check policies

step "Run the tests written beside the policies" "cpe test policies"
"$CPE" test policies | tail -1

step "Explain a policy in plain English" "cpe explain --policy fertility.ivf"
"$CPE" explain --policy fertility.ivf --as-of 2026-06-01

# Realistic referrals: one file per referral, named POLICY--what.json.
for facts in demo/referrals/*.json policies/examples/*.json; do
  [ -f "$facts" ] || continue
  policy=$(basename "$facts" .json); policy=${policy%%--*}
  step "Triage a referral: $(basename "$facts" .json | sed 's/.*--//; s/-/ /g')" \
       "cpe decide --policy $policy --facts $facts --as-of 2026-06-01 --format text"
  "$CPE" decide --policy "$policy" --facts "$facts" --as-of 2026-06-01 --format text
done

step "Decide a batch of cases (NDJSON in, NDJSON out)" "cpe decide --cases demo/cases.ndjson"
"$CPE" decide --cases demo/cases.ndjson || true

tools/demo_audit.sh "$CPE"
step "The triage page for referral staff" "cpe serve --policies policies --port 8080, then open http://127.0.0.1:8080/"
cat <<'TRY'
Start the server and open the page in a browser on this machine:
  cpe serve --policies policies --port 8080 --db /tmp/cpe-demo.db
  http://127.0.0.1:8080/
Then try:
  - type "ivf", choose "Specialist fertility services": it asks for BMI with "19 to 30 qualifies";
    answer "Currently smokes" Yes: not eligible, with how to make an Individual Funding Request
  - type "checklist", set two domains to a: "Positive checklist: refer for a full assessment"
  - type letters in a number field: the server's error appears beside it
  - "Print the summary" for what to file with the referral (docs/triage-page.md)
TRY

printf '\n%sDone.%s See README.md for the rest: cpe serve, cpe audit, cpe diff, cpe doc.\n' "$bold" "$plain"
