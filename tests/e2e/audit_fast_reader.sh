#!/usr/bin/env bash
# `cpe audit --cases` with the fast case reader (engine/library/fast_decider.h,
# both cores) against every line read by the reference reader
# (--reference-reader, one thread): compliance.csv, rejects.csv,
# case_findings.csv, report.html, stdout, stderr and the exit code the same
# bytes but for the run's seconds. The cases: 20,000 generated fertility
# referrals at six providers with the awkward lines of audit_fast/awkward.ndjson
# among them (bad JSON, invalid UTF-8, a missing, empty, escaped or non-string
# provider, 1e-400 and 27.0000000000000001, the engine's refusals, ids of every
# kind), facts nested 100,000 and 65 levels deep and a line over --max-line;
# with and without --as-of, text and JSON, --strict; and the batch fast path's
# own cases (tests/batch_fast: every kind of fact, two versions, an area
# variant) with a provider added. -v's count of lines the fast reader took
# shows the comparison is of the two readers, not of one twice.
# Usage: audit_fast_reader.sh CPE GEN_FERTILITY_CASES   (any working directory)
set -uo pipefail
CPE=$1
GEN=$2
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); [ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT  # KEEP=1 keeps the folder
FAILED=0
fail() { echo "FAIL: $*" >&2; FAILED=1; }

"$GEN" 20000 19 >"$tmp/generated.ndjson"
python3 - "$tmp/generated.ndjson" tests/e2e/audit_fast/awkward.ndjson >"$tmp/cases.ndjson" <<'PY'
import random, sys
rng = random.Random(19)
awkward = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
providers = [b"RGT", b"RQW", b"RM1", b"RCX", b"RDE", b"RAJ"]
deep = 100000
extra = [
    b'{"id":"deep","policy":"fertility.ivf","provider":"RGT","facts":{"legacy_area":' + b"[" * deep + b"]" * deep + b"}}",
    b'{"id":"deep-65","policy":"fertility.ivf","provider":"RGT","facts":{"legacy_area":' + b"[" * 65 + b"]" * 65 + b"}}",
    b'{"id":"deep-top","provider":"RGT","x":' + b"[" * deep + b"]" * deep + b',"policy":"fertility.ivf"}',
    b'{"id":"long","policy":"fertility.ivf","provider":"RGT","facts":{},"pad":"' + b"x" * 5000 + b'"}',
]
out = sys.stdout.buffer
for i, line in enumerate(open(sys.argv[1], "rb")):
    p = providers[i % len(providers)]
    out.write(b'{"provider":"' + p + b'",' + line[1:])
    if rng.random() < 0.02:
        out.write(rng.choice(awkward) + b"\n")
for line in awkward + extra:
    out.write(line + b"\n")
PY

# The batch fast path's cases, each with a provider: those that begin with a member.
python3 - tests/batch_fast/decided.ndjson tests/batch_fast/declined.ndjson >"$tmp/batch_fast.ndjson" <<'PY'
import sys
out = sys.stdout.buffer
for path in sys.argv[1:]:
    for n, line in enumerate(open(path, "rb")):
        out.write(b'{"provider":"P' + str(n % 3).encode() + b'",' + line[1:] if line.startswith(b'{"') else line)
PY

normalise() {  # the run's own seconds, and the folder, are not the readers' doing
    sed -E 's/[0-9]+\.[0-9]+ s\b/N s/g; s/"seconds":[0-9.e+-]+/"seconds":N/; s#'"$tmp"'/(fast|ref)#OUT#g' "$1"
}
# run NAME ARGS...: the audit through both readers, every output compared.
run() {
    local name=$1; shift
    "$CPE" -v audit "$@" --out "$tmp/fast/$name" >"$tmp/$name.fast.out" 2>"$tmp/$name.fast.err"
    local fast=$?
    "$CPE" -v audit "$@" --threads 1 --reference-reader --out "$tmp/ref/$name" >"$tmp/$name.ref.out" 2>"$tmp/$name.ref.err"
    local ref=$?
    [ "$fast" = "$ref" ] || fail "$name: exit $fast (fast) against $ref (reference)"
    grep -v "fast case reader" "$tmp/$name.fast.err" >"$tmp/$name.fast.err2"
    grep -v "fast case reader" "$tmp/$name.ref.err" >"$tmp/$name.ref.err2"
    local f
    for f in out err2; do
        cmp -s <(normalise "$tmp/$name.fast.$f") <(normalise "$tmp/$name.ref.$f") ||
            { fail "$name: the fast reader's $f differs:"; diff <(normalise "$tmp/$name.ref.$f") <(normalise "$tmp/$name.fast.$f") | head -10 >&2; }
    done
    for f in compliance.csv rejects.csv case_findings.csv report.html; do
        [ -e "$tmp/ref/$name/$f" ] || [ -e "$tmp/fast/$name/$f" ] || continue
        cmp -s <(normalise "$tmp/fast/$name/$f") <(normalise "$tmp/ref/$name/$f") ||
            { fail "$name: the fast reader's $f differs:"; diff <(normalise "$tmp/ref/$name/$f") <(normalise "$tmp/fast/$name/$f") | head -10 >&2; }
    done
}
# fast_share NAME: "FAST LINES" from the fast run's -v line, and 0 from the reference run's.
fast_share() {
    sed -nE 's/.*case audit: ([0-9]+) of ([0-9]+) cases read by the fast case reader.*/\1 \2/p' "$tmp/$1.fast.err"
    grep -q "case audit: 0 of [0-9]* cases read by the fast case reader" "$tmp/$1.ref.err" ||
        fail "$1: the reference run read some cases fast"
}

run as-of --policies policies --cases "$tmp/cases.ndjson" --as-of 2026-06-01 --max-line 4096
run today --policies policies --cases "$tmp/cases.ndjson" --max-line 4096 --max-depth 200
run json --policies policies --cases "$tmp/cases.ndjson" --as-of 2026-06-01 --format json --max-depth 16
run strict --policies policies --cases "$tmp/cases.ndjson" --as-of 2026-06-01 --strict
run batch-fast --policies tests/batch_fast/policy.cpl --cases "$tmp/batch_fast.ndjson" --as-of 2024-06-01

# The comparison is of real reports: the awkward lines are rejects, the
# generated ones are decided and mostly read fast, the awkward ones not.
read -r fast lines <<<"$(fast_share as-of)"
[ "${lines:-0}" -gt 20000 ] && [ "$fast" -ge 20000 ] && [ "$fast" -lt "$lines" ] ||
    fail "as-of: the fast reader took ${fast:-?} of ${lines:-?} cases (wanted the 20,000 generated, not every line)"
read -r fast lines <<<"$(fast_share batch-fast)"
[ "${fast:-0}" -gt 0 ] && [ "$fast" -lt "$lines" ] || fail "batch-fast: the fast reader took ${fast:-?} of ${lines:-?} cases"
reasons() { tail -n +2 "$tmp/ref/as-of/rejects.csv" | cut -d, -f2- | sort -u; }
for want in "'provider' must be a non-empty string" "ill-formed UTF-8" "line_too_long\|over the limit" "nested" \
    "unknown_policy" "unknown_fact" "bad_fact" "no_version_in_force" "'as_of' must be a date"; do
    reasons | grep -q -- "$want" || fail "as-of: no reject says '$want'"
done
grep -q "age_years" "$tmp/ref/as-of/rejects.csv" || fail "as-of: 1e-400 and 27.0000000000000001 are not refused as ages"
grep -q ',undetermined,' "$tmp/ref/as-of/case_findings.csv" || fail "as-of: no undetermined case among the findings"
grep -q '^fertility.ivf,RGT,' "$tmp/ref/as-of/compliance.csv" || fail "as-of: no count for fertility.ivf at RGT"
grep -q "Ysbyty Gwynedd" "$tmp/ref/as-of/compliance.csv" || fail "as-of: the provider not in ASCII is not counted"
[ "$(cat "$tmp/strict.ref.out")" = "" ] && grep -q "cases.ndjson:[0-9]*: " "$tmp/strict.ref.err" ||
    fail "strict: no error naming the first bad line"
[ "$FAILED" = 0 ] && echo "ok: the fast and the reference reader give the same audit ($fast of $lines batch_fast lines read fast)"
exit "$FAILED"
