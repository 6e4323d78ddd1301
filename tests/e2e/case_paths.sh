#!/usr/bin/env bash
# One case reader (engine/decision/case_record.h): the same bad line gets the
# same message through `cpe decide --cases`, `cpe audit --cases`, `cpe diff
# --cases` and POST /v1/decisions' reader. Runs the lines of
# tests/e2e/batch/envelope.ndjson through the three commands and compares, per
# line, what each says: decide's message after its "line N: ", audit's
# rejects.csv reason (CODE: MESSAGE [FIELD] for the engine's refusals), and
# diff's error message ("refused by SIDE: " for the engine's). diff reads no
# "policy" member, so lines that only a policy member spoils are decided there.
# Usage: case_paths.sh CPE
set -uo pipefail
CPE=$1
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cases=tests/e2e/batch/envelope.ndjson
"$CPE" decide --cases "$cases" >"$tmp/decide.ndjson" 2>/dev/null
"$CPE" audit --cases "$cases" --out "$tmp/audit" >/dev/null 2>&1
"$CPE" diff ebi.tonsillectomy ebi.tonsillectomy --as-of 2026-06-01 --cases "$cases" --format json --examples 0 >"$tmp/diff.json" 2>/dev/null
python3 - "$cases" "$tmp/decide.ndjson" "$tmp/audit/rejects.csv" "$tmp/diff.json" <<'PY'
import csv, json, re, sys
cases, decide, rejects, diff = sys.argv[1:]
n_lines = sum(1 for _ in open(cases, "rb"))
out = [json.loads(l) for l in open(decide)]
assert len(out) == n_lines, (len(out), n_lines)
engine_codes = {"unknown_policy", "unknown_fact", "bad_fact", "no_version_in_force"}
decided = {}
for i, o in enumerate(out, 1):
    if "error" not in o:
        continue
    e = o["error"]
    m = e["message"]
    if e["code"] not in engine_codes:
        assert m.startswith(f"line {i}: "), (i, m)
        m = m[len(f"line {i}: "):]
    decided[i] = (e["code"], m, e["field"])
audit = {int(r["line"]): r["reason"] for r in csv.DictReader(open(rejects))}
assert set(audit) == set(decided), (sorted(audit), sorted(decided))
for i, (code, m, field) in decided.items():
    want = m if code not in engine_codes else f"{code}: {m}" + (f" [{field}]" if field else "")
    assert audit[i] == want, (i, audit[i], want)
d = json.load(open(diff))["impact"]
seen = 0
for e in d["error_examples"]:
    code, m, field = decided[e["line"]]
    got = re.sub(r"^refused by [^:]+: ", "", e["message"])
    assert got == m, (e, m)
    seen += 1
assert seen >= 8, d["error_examples"]
print(f"ok: {len(decided)} bad lines say the same through decide, audit and diff ({seen} in diff)")
PY
