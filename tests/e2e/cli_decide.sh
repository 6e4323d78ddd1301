#!/usr/bin/env bash
# End-to-end runs of `cpe decide`, `cpe check` and `cpe explain` as the
# decision contract (shared/spec/decision.md) describes them.
set -uo pipefail  # patterns are matched on here-strings: `echo | grep -q` can die of SIGPIPE under pipefail
CPE=$1
cd "$(dirname "$0")/../.."
fail=0; passed=0
ok() { passed=$((passed+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# One decision from stdin: exit 0, contract fields present.
out=$(echo '{"smoker": true}' | "$CPE" decide --policy fertility.ivf --facts - --as-of 2026-06-01) && ok || bad "decide exited non-zero"
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["outcome"]=="not_eligible" and d["route"]=="ifr" and d["outputs"]=={"cycles_offered":0} and list(d)==["policy","policy_version","outcome","route","reasons","missing_facts","outputs"], d' && ok || bad "single decision shape: $out"

# --format text: the decision as triage staff read it.
out=$(echo '{"smoker": true}' | "$CPE" decide --policy fertility.ivf --facts - --as-of 2026-06-01 --format text)
grep -q "^fertility.ivf (version 2026-04-01): NOT ELIGIBLE" <<<"$out" && grep -q "route: ifr — an Individual Funding Request" <<<"$out" \
  && grep -q "\[NO \] The person having treatment does not smoke" <<<"$out" && ok || bad "text decision: $out"
out=$(echo '{"smoker": false}' | "$CPE" decide --policy fertility.ivf --facts - --as-of 2026-06-01 --format text)
grep -q "still needed to decide: registered_with_icb_gp, age_years, bmi," <<<"$out" && grep -q "cycles_offered = not known yet" <<<"$out" \
  && ! grep -q "route:" <<<"$out" && ok || bad "undetermined text decision: $out"

# Bad facts: non-zero exit, message names the fact.
err=$(echo '{"bmi": "twenty"}' | "$CPE" decide --policy fertility.ivf --facts - 2>&1 >/dev/null); rc=$?
[ $rc -ne 0 ] && grep -q "'bmi' expects number \[kg/m2\]" <<<"$err" && ok || bad "bad fact: rc=$rc $err"

# A number too large for a double is bad JSON naming the file, not a crash.
printf '{"bmi": 1e400}' > "$tmp/big.json"
err=$("$CPE" decide --policy fertility.ivf --facts "$tmp/big.json" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && grep -q "big.json: error: invalid JSON: .*number overflow" <<<"$err" && ok || bad "1e400: rc=$rc $err"

# Batch: one output line per input line, in order; bad lines become errors; exit non-zero.
printf '%s\n' '{"id":"a","policy":"ebi.tonsillectomy","facts":{"suspected_malignancy":true}}' \
  'not json' '{"id":"c","policy":"no.such","facts":{}}' '{"id":"d","policy":"chc.checklist","facts":{"checklist_breathing":"a"}}' > "$tmp/cases.ndjson"
"$CPE" decide --cases "$tmp/cases.ndjson" > "$tmp/out.ndjson" 2>/dev/null; rc=$?
[ $rc -ne 0 ] && ok || bad "batch with bad lines exited 0"
python3 - "$tmp/out.ndjson" <<'PY' && ok || bad "batch output"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 4, lines
assert lines[0]["id"] == "a" and lines[0]["outcome"] == "eligible"
assert lines[1]["error"]["code"] == "bad_json"
assert lines[2]["id"] == "c" and lines[2]["error"]["code"] == "unknown_policy"
assert lines[3]["id"] == "d" and lines[3]["outcome"] == "eligible"
PY

# Facts nested 100,000 levels deep (a 200 KB line): the line's own error, the
# batch goes on, no crash; a single facts file too.
good='{"id":"good","policy":"ebi.tonsillectomy","as_of":"2026-06-01","facts":{"suspected_malignancy":true}}'
python3 -c 'import sys; d=100000; print("{\"id\":\"deep\",\"policy\":\"ebi.tonsillectomy\",\"facts\":{\"quinsy_episodes\":" + "["*d + "]"*d + "}}")' > "$tmp/deep.ndjson"
echo "$good" >> "$tmp/deep.ndjson"
"$CPE" decide --cases "$tmp/deep.ndjson" > "$tmp/out.ndjson" 2>"$tmp/err"; rc=$?
python3 - "$tmp/out.ndjson" <<'PY' && [ $rc -eq 1 ] && ok || bad "deep nesting: rc=$rc $(head -c 300 "$tmp/out.ndjson") $(cat "$tmp/err")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2, lines
e = lines[0]["error"]
assert e["code"] == "bad_fact" and e["field"] == "facts.quinsy_episodes", e
assert e["message"] == "line 1: 'quinsy_episodes' is nested deeper than 64 levels of arrays and objects (--max-depth)", e
assert lines[1]["id"] == "good" and lines[1]["outcome"] == "eligible", lines[1]
PY
# Within the limit the value is quoted, bounded, in the fact's own error.
python3 -c 'd=150; print("{\"id\":\"d150\",\"policy\":\"ebi.tonsillectomy\",\"facts\":{\"quinsy_episodes\":" + "["*d + "]"*d + "}}")' > "$tmp/d150.ndjson"
"$CPE" decide --cases "$tmp/d150.ndjson" --max-depth 200 > "$tmp/out.ndjson" 2>/dev/null
python3 - "$tmp/out.ndjson" <<'PY' && ok || bad "quoting a nested value: $(cat "$tmp/out.ndjson")"
import json, sys
e = json.loads(open(sys.argv[1]).read())["error"]
assert e["code"] == "bad_fact", e
assert e["message"] == "'quinsy_episodes' expects integer from 0 to 100, got " + "[" * 120 + "…", e
PY
python3 -c 'd=100000; print("{\"quinsy_episodes\":" + "["*d + "]"*d + "}")' > "$tmp/deep.json"
err=$("$CPE" decide --policy ebi.tonsillectomy --facts "$tmp/deep.json" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && grep -qF "deep.json: error: invalid JSON: nested deeper than 64 levels" <<<"$err" && ok || bad "deep facts file: rc=$rc $err"

# A line over --max-line gets its own error, is skipped without being held
# whole, and the next good line is still decided.
{ echo "$good"; printf '{"id":"long","policy":"ebi.tonsillectomy","facts":{"x":"'; head -c 3000000 /dev/zero | tr '\0' 'a'; echo '"}}'; echo "$good"; } > "$tmp/long.ndjson"
"$CPE" decide --cases "$tmp/long.ndjson" --max-line 100000 > "$tmp/out.ndjson" 2>"$tmp/err"; rc=$?
python3 - "$tmp/out.ndjson" <<'PY' && [ $rc -eq 1 ] && ok || bad "long line: rc=$rc $(cat "$tmp/out.ndjson") $(cat "$tmp/err")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 3, lines
assert lines[0]["outcome"] == "eligible" and lines[2]["outcome"] == "eligible"
assert lines[1] == {"id": None, "error": {"code": "line_too_long", "field": "line",
    "message": "line 2: the line is 3000059 bytes long, over the limit of 100000 (--max-line)"}}, lines[1]
PY
# The default limit (1 MiB) holds too.
"$CPE" decide --cases "$tmp/long.ndjson" > "$tmp/out.ndjson" 2>/dev/null
[ "$(grep -c line_too_long "$tmp/out.ndjson")" = 1 ] && [ "$(grep -c eligible "$tmp/out.ndjson")" = 2 ] && ok || bad "long line, default limit"

# check: every error, file:line:col, non-zero exit.
printf 'policy x { title "x" version "1" effective 2026-01-01 criterion c "C" = nope decide { otherwise eligble } }\n' > "$tmp/bad.cpl"
err=$("$CPE" check "$tmp/bad.cpl" 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "bad.cpl:1:73: error: unknown name 'nope'" <<<"$err" && grep -q "did you mean 'eligible'" <<<"$err" && grep -q "^2 errors" <<<"$err" && ok || bad "check errors: $err"

# A file that is not UTF-8 (Latin-1 pound sign) is an error at its line and column, not a crash.
printf 'policy x {\n  title "Cost \243"\n}\n' > "$tmp/latin1.cpl"
err=$("$CPE" check "$tmp/latin1.cpl" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "latin1.cpl:2:15: error: the file is not UTF-8 text (byte 0xA3)" <<<"$err" && ok || bad "latin-1 file: rc=$rc $err"

# explain names the criteria in plain English.
"$CPE" explain --policy ebi.tonsillectomy | grep -q "Seven or more episodes in the last 12 months" && ok || bad "explain"

# --answer: what a person acts on, added to the contract's fields (which keep their order).
out=$(echo '{"smoker": false, "age_years": 30}' | "$CPE" decide --policy fertility.ivf --facts - --as-of 2026-06-01 --answer)
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
keys = [k for k in d if k in ("policy","policy_version","outcome","route","reasons","missing_facts","outputs")]
assert keys == ["policy","policy_version","outcome","route","reasons","missing_facts","outputs"], keys
assert d["as_of"] == "2026-06-01" and d["outcome"] == "undetermined" and "decision_id" not in d, d
assert d["next_step"].startswith("Not decided yet"), d["next_step"]
q = {x["name"]: x for x in d["questions"]}
assert [x["name"] for x in d["questions"]] == d["missing_facts"], d["questions"]
bmi = q["bmi"]
assert bmi["description"] and bmi["unit"] == "kg/m2" and bmi["type"] == "decimal" and bmi["decides"] == "19 to 30 qualifies", bmi
assert bmi["min"] == 10 and bmi["max"] == 100 and bmi["criteria"] == ["bmi_in_range"], bmi
assert all(r["at"].startswith("policies/") for r in d["reasons"]), d["reasons"]
' && ok || bad "--answer undetermined: $out"
out=$(echo '{"smoker": true}' | "$CPE" decide --policy fertility.ivf --facts - --as-of 2026-06-01 --answer)
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["outcome"] == "not_eligible" and d["route"] == "ifr" and d["questions"] == [] and d["missing_facts"] == [], d
assert "Individual Funding Request" in d["next_step"] and "ifr.example.org" in d["next_step"], d["next_step"]
r = d["reasons"][0]
assert r["criterion"] == "non_smoker" and r["values"] == [{"fact": "smoker", "value": True, "text": "yes"}], r
' && ok || bad "--answer smoker: $out"
# The CHC checklist words its own next step; text shows as-of, next step and values used.
out=$(echo '{"checklist_nutrition":"a","checklist_mobility":"a"}' | "$CPE" decide --policy chc.checklist --facts - --as-of 2026-06-01 --format text)
grep -q "^  next step: Positive checklist: refer for a full assessment of eligibility (Decision Support Tool)$" <<<"$out" \
  && grep -q "^  as of: 2026-06-01$" <<<"$out" && grep -q "values used: checklist_nutrition = a, checklist_mobility = a$" <<<"$out" \
  && ok || bad "checklist text: $out"
out=$(echo '{"smoker": false}' | "$CPE" decide --policy fertility.ivf --facts - --as-of 2026-06-01 --format text)
grep -q "^    - Body mass index of the patient — kg/m2 — 19 to 30 qualifies  (bmi)$" <<<"$out" && ok || bad "questions in text: $out"
# Reason locations are relative to the library's root, whatever path names it.
out=$(echo '{"smoker": true}' | "$CPE" decide --policies "$PWD/policies" --policy fertility.ivf --facts - --as-of 2026-06-01)
grep -q '"at": "policies/fertility/ivf.cpl:29:15"' <<<"$out" && ok || bad "absolute --policies: $out"
# explain and doc word the next steps as the decisions do.
"$CPE" explain --policy chc.fast_track | grep -q "eligible, route fast_track: Fast Track: arrange the care package now" && ok || bad "explain next step"
"$CPE" doc policies --out "$tmp/doc" >/dev/null && grep -q "Positive checklist: refer for a full assessment" "$tmp/doc/chc.checklist.html" \
  && grep -q "What happens next" "$tmp/doc/chc.checklist.md" && ok || bad "doc next step"

echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
