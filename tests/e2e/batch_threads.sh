#!/usr/bin/env bash
# `cpe decide --cases` on several threads writes the same bytes, in input
# order, as on one thread: 100,000 generated fertility referrals with bad
# lines among them (not JSON, too long, an unknown policy, blank lines), on
# 1, 2 and 3 threads, and blocks small enough that every round holds many;
# and the same bytes again with every line read by the reference reader
# (--reference-reader), none by the fast path (engine/library/fast_case_decider.h).
# Usage: batch_threads.sh CPE GEN_FERTILITY_CASES   (any working directory)
set -euo pipefail
CPE=$1
GEN=$2
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$GEN" 100000 7 >"$tmp/good.ndjson"
long=$(head -c 5000 /dev/zero | tr '\0' 'x')
awk -v long="$long" '
    NR % 997 == 0  { print "{not json" }
    NR % 1499 == 0 { print "{\"id\":\"long\",\"policy\":\"fertility.ivf\",\"facts\":{\"x\":\"" long "\"}}" }
    NR % 2003 == 0 { print "{\"id\":\"u\",\"policy\":\"no.such_policy\",\"facts\":{}}" }
    NR % 2503 == 0 { print "" }
    { print }' "$tmp/good.ndjson" >"$tmp/cases.ndjson"
run() {  # THREADS [NAME FLAG] -> exit code in $tmp/rc.NAME, output in $tmp/out.NAME
    local name=${2:-$1}
    set +e
    "$CPE" decide --policies policies --cases "$tmp/cases.ndjson" --as-of 2026-06-01 --max-line 4096 \
        --threads "$1" ${3:-} >"$tmp/out.$name" 2>"$tmp/err.$name"
    echo $? >"$tmp/rc.$name"
    set -e
}
for t in 1 2 3; do run $t; done
run 1 reference --reference-reader
fail=0
lines=$(wc -l <"$tmp/out.1")
want=$(grep -cv '^$' "$tmp/cases.ndjson")
[ "$lines" = "$want" ] || { echo "FAIL: one thread wrote $lines lines for $want cases"; fail=1; }
grep -q '"code":"line_too_long"' "$tmp/out.1" || { echo "FAIL: no line_too_long error line"; fail=1; }
grep -q '"code":"bad_json"' "$tmp/out.1" || { echo "FAIL: no bad_json error line"; fail=1; }
[ "$(cat "$tmp/rc.1")" = 1 ] || { echo "FAIL: exit $(cat "$tmp/rc.1") with bad lines (wanted 1)"; fail=1; }
for t in 2 3 reference; do
    cmp "$tmp/out.1" "$tmp/out.$t" || { echo "FAIL: $t threads differ from one"; fail=1; }
    cmp "$tmp/err.1" "$tmp/err.$t" || { echo "FAIL: $t threads' stderr differs"; fail=1; }
    [ "$(cat "$tmp/rc.$t")" = "$(cat "$tmp/rc.1")" ] || { echo "FAIL: exit code differs on $t threads"; fail=1; }
done
# The ids come back in input order (the lines that are JSON objects).
python3 - "$tmp/cases.ndjson" "$tmp/out.1" <<'PY' || fail=1
import json, sys
def ids(path, skip_blank):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        if skip_blank and not line.strip():
            continue
        try:  # a line over --max-line is never read, so its id is not known
            out.append(json.loads(line).get("id") if len(line.encode()) <= 4097 else None)
        except ValueError:
            out.append(None)
    return out
given, written = ids(sys.argv[1], True), ids(sys.argv[2], False)
if given != written:
    print("FAIL: ids out of input order")
    sys.exit(1)
PY
[ $fail = 0 ] && echo "batch_threads: $want cases, identical on 1, 2 and 3 threads and through the reference reader"
exit $fail
